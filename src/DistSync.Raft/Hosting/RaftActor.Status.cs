using System.Buffers.Binary;
using Akka.Actor;
using DistSync.Raft.Journal;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// Helpers and the status a RaftActor publishes.
internal sealed partial class RaftActor
{
    // ------------------------------------------------------------------ helpers

    /// <summary>The leader's clock for a new entry, never below a timestamp already in the log.</summary>
    private long Stamp()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (now > lastStampMs) lastStampMs = now;
        return lastStampMs;
    }

    private ProposalOutcome NotLeader(ulong lead) =>
        new() { Code = OutcomeCode.NotLeader, LeaderHint = lead != 0 && lead != selfId ? book.NodeIdOf(lead) : "" };

    private static ProposalOutcome Outcome(OutcomeCode code, string error) => new() { Code = code, Error = error };

    /// <summary>Who waits for a relayed request's answer, and where its forward time is reported (null: not measured).</summary>
    private sealed record RelayState(TaskCompletionSource<ProposalOutcome> Completion, IRaftMetrics? Metrics, int GroupId, long StartedAt);

    // One continuation per relayed request, its state passed in (no closure): it completes the waiter and records the hop.
    private static void Relay(Task<ProposalOutcome> ask, RelayState state) =>
        ask.ContinueWith(static (t, o) =>
        {
            var s = (RelayState)o!;
            if (t.IsCompletedSuccessfully)
            {
                s.Metrics?.Forwarded(s.GroupId, System.Diagnostics.Stopwatch.GetElapsedTime(s.StartedAt));
                s.Completion.TrySetResult(t.Result);
            }
            else if (t.IsCanceled) s.Completion.TrySetCanceled();
            else s.Completion.TrySetResult(new ProposalOutcome { Code = OutcomeCode.Unavailable, Error = "the leader did not answer the forwarded request in time: " + t.Exception?.GetBaseException().Message });
        }, state, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);

    private void PublishStatus()
    {
        if (node is null) return;
        var members = new List<RaftMemberStatus>();
        foreach (ulong v in node.Voters) members.Add(MemberStatus(v, "voter"));
        foreach (ulong l in node.Learners) members.Add(MemberStatus(l, "learner"));
        members.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        var followers = new List<RaftFollowerProgress>();
        if (node.Role == RaftRole.Leader)
        {
            foreach (ulong id in node.Voters.Concat(node.Learners))
            {
                if (id == selfId || node.GetProgress(id) is not { } pr) continue;
                followers.Add(new RaftFollowerProgress(book.NodeIdOf(id), pr.Match, pr.Next, pr.State switch
                {
                    ProgressState.Probe => "probe",
                    ProgressState.Replicate => "replicate",
                    _ => "snapshot",
                }, HeardRecently(id)));
            }
            followers.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        }
        shared.Status = new RaftGroupStatus(groupId, self.NodeId, RoleName(node.Role), node.Term,
            node.Lead != 0 ? book.NodeIdOf(node.Lead) : null, node.CommitIndex, node.AppliedIndex, node.LastIndex, members, followers)
        {
            SnapshotIndex = storage.Snapshot.Metadata.Index,
            FirstIndex = node.FirstIndex,
            SnapshotChunksSent = node.SnapshotChunksSent,
            SnapshotChunksResent = node.SnapshotChunksResent,
        };
    }

    private RaftMemberStatus MemberStatus(ulong id, string kind) =>
        book.TryGet(id, out var info) ? new RaftMemberStatus(info.NodeId, info.RemoteAddress, kind) : new RaftMemberStatus(id.ToString("x16"), "", kind);

    internal static string RoleName(RaftRole role) => role switch
    {
        RaftRole.Follower => "follower",
        RaftRole.PreCandidate => "pre-candidate",
        RaftRole.Candidate => "candidate",
        _ => "leader",
    };
}
