using System.Diagnostics;
using Akka.Event;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// What an operator reads in the log and on /metrics about one group: elections and step-downs (with the reason),
// membership changes and snapshots at INFO, each with group and term; proposal, persist and commit figures for
// IRaftMetrics; and when each peer was last heard from (the stable "recently active" of the status).
internal sealed partial class RaftActor
{
    private RaftRole observedRole = RaftRole.Follower;
    private long observedTerm;
    // Why the campaign under way started: set by what the core was fed before it changed role.
    private bool timeoutNowReceived;
    private bool preVoteRan;
    // While leading: the transfer target, so a step-down that follows a transfer says so.
    private ulong transfereeWhileLeading;
    private long persistStartedAt;
    private readonly HashSet<ulong> knownLearners = new();
    // Tick at which a message of each peer last arrived; a peer is active while that is within an election timeout.
    private readonly Dictionary<ulong, long> lastHeardTick = new();

    private IRaftMetrics? Metrics => context.Metrics;

    /// <summary>Before the core steps a peer message: who was heard from, and whether it is a transfer's TimeoutNow.</summary>
    private void NotePeerMessage(Message m)
    {
        lastHeardTick[m.From] = ticks;
        if (m.Type == MessageType.TimeoutNow) timeoutNowReceived = true;
    }

    /// <summary>Whether <paramref name="peer"/> was heard from within the last election timeout (the core's own flag is
    /// cleared at every CheckQuorum round, so a healthy follower read as inactive right after one).</summary>
    private bool HeardRecently(ulong peer) =>
        peer == selfId || (lastHeardTick.TryGetValue(peer, out var at) && ticks - at <= settings.ElectionTick);

    /// <summary>Logs a change of this node's role (called after every input, with <see cref="CheckLeadership"/>).</summary>
    private void ObserveRole()
    {
        var role = node.Role;
        if (role == RaftRole.Leader) transfereeWhileLeading = node.LeadTransferee;
        if (role == observedRole && node.Term == observedTerm) return;
        var (before, termBefore) = (observedRole, observedTerm);
        (observedRole, observedTerm) = (role, node.Term);
        if (role == RaftRole.PreCandidate)
        {
            preVoteRan = true;
            timeoutNowReceived = false; // a transfer campaigns without a pre-vote: a TimeoutNow the core ignored is stale
        }
        if (role == RaftRole.Leader && before != RaftRole.Leader)
        {
            var why = timeoutNowReceived ? "leader transfer" : preVoteRan ? "election timeout, pre-vote won" : "election timeout";
            log.Info("Raft group {0}: leader elected: {1} in term {2} ({3})", groupId, self.NodeId, node.Term, why);
        }
        else if (before == RaftRole.Leader && role != RaftRole.Leader)
        {
            var why = node.Term == termBefore ? "check-quorum lost: no majority heard within an election timeout"
                : transfereeWhileLeading != 0 ? $"leadership transferred to {book.NodeIdOf(transfereeWhileLeading)}"
                : "higher term seen";
            log.Info("Raft group {0}: {1} stepped down as leader of term {2} (now term {3}): {4}", groupId, self.NodeId, termBefore, node.Term, why);
            transfereeWhileLeading = 0;
        }
        if (role is RaftRole.Leader or RaftRole.Follower)
        {
            timeoutNowReceived = false;
            preVoteRan = false;
        }
    }

    /// <summary>A new leader became known to this node (its own election is logged by <see cref="ObserveRole"/>).</summary>
    private void OnLeaderChanged()
    {
        if (node.Lead == 0) return;
        Metrics?.LeaderChanged(groupId);
        if (node.Lead != selfId) log.Info("Raft group {0}: leader is {1} in term {2}", groupId, book.NodeIdOf(node.Lead), node.Term);
    }

    private void LogMembershipChange(Entry e)
    {
        ConfChange cc;
        try
        {
            cc = ConfChange.Parser.ParseFrom(e.Data);
        }
        catch (InvalidProtocolBufferException)
        {
            return; // the core skips it too
        }
        var who = book.NodeIdOf(cc.NodeId);
        switch (cc.Type)
        {
            case ConfChangeType.AddLearner:
                knownLearners.Add(cc.NodeId);
                log.Info("Raft group {0}: member joined: {1} as a learner (index {2}, term {3})", groupId, who, e.Index, e.Term);
                break;
            case ConfChangeType.AddVoter when knownLearners.Remove(cc.NodeId):
                log.Info("Raft group {0}: member promoted: {1} from learner to voter (index {2}, term {3})", groupId, who, e.Index, e.Term);
                break;
            case ConfChangeType.AddVoter:
                log.Info("Raft group {0}: member joined: {1} as a voter (index {2}, term {3})", groupId, who, e.Index, e.Term);
                break;
            case ConfChangeType.Remove:
                knownLearners.Remove(cc.NodeId);
                log.Info("Raft group {0}: member removed: {1} (index {2}, term {3})", groupId, who, e.Index, e.Term);
                break;
        }
    }

    private void StartPersistTimer()
    {
        persistStartedAt = Stopwatch.GetTimestamp();
        slowPersistWarnings = 0;
    }

    // How many times the write in flight has been reported slow (once per SlowPersistWarning of waiting).
    private int slowPersistWarnings;
    private static readonly TimeSpan SlowPersistWarning = TimeSpan.FromSeconds(5);

    /// <summary>
    /// On a tick while a Ready is being written: a write that has not come back after 5 s (and every 5 s after) is logged
    /// as a warning. While it is out this replica acknowledges no entry and casts no vote, so a journal that hangs
    /// would otherwise hold up elections without a word.
    /// </summary>
    private void WarnIfPersistIsSlow()
    {
        if (inFlight is null) return;
        var waited = Stopwatch.GetElapsedTime(persistStartedAt);
        if (waited < SlowPersistWarning * (slowPersistWarnings + 1)) return;
        slowPersistWarnings++;
        log.Warning("Raft group {0}: a journal write has been in flight for {1:0.0} s ({2} entries, hard state {3}, snapshot {4}); until it is durable this replica acknowledges no entry and casts no vote",
            groupId, waited.TotalSeconds, inFlight.Entries.Count, inFlightHardState is null ? "unchanged" : $"term {inFlightHardState.Term} vote {inFlightHardState.Vote}",
            inFlight.Snapshot is null ? "none" : $"at {inFlight.Snapshot.Metadata.Index}");
    }

    private void RecordPersisted(Ready rd) => Metrics?.Persisted(groupId, rd.Entries.Count, Stopwatch.GetElapsedTime(persistStartedAt));

    private void RecordCommitted(long proposedAt)
    {
        if (proposedAt != 0) Metrics?.Committed(groupId, Stopwatch.GetElapsedTime(proposedAt));
    }
}
