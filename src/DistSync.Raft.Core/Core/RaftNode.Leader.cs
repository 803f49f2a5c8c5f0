using Google.Protobuf;

namespace DistSync.Raft;

// Leader behaviour: replication (probe / pipelining / snapshots), commit, heartbeats, ReadIndex, transfer.
public sealed partial class RaftNode
{
    private readonly record struct PendingRead(ulong From, ByteString Context, long Index, long Round);

    private ulong leadTransferee;
    // Set by proposals and commit progress; turned into appends when the host asks for a Ready, so that
    // every proposal made between two Readies travels in one batch.
    private bool pendingBroadcast;
    private bool pendingCommitBroadcast;
    private long[] matchScratch = new long[8];

    private readonly List<(ulong From, ByteString Context)> pendingReadRequests = new();
    private readonly Queue<PendingRead> pendingReads = new();
    private long readRound;
    // Set by a ReadIndex request; turned into one heartbeat round when the host asks for a Ready, so every read that
    // arrived between two Readies is confirmed by the same round (one broadcast per batch, not per read).
    private bool pendingReadRound;

    /// <summary>The node a leader transfer is heading to, 0 when none.</summary>
    public ulong LeadTransferee => leadTransferee;

    /// <summary>The leader's view of a peer's replication, or null (not leader, unknown peer).</summary>
    public Progress? GetProgress(ulong id) => Role == RaftRole.Leader && progressById.TryGetValue(id, out var pr) ? pr : null;

    /// <summary>
    /// Hands leadership to <paramref name="to"/>: once it has the whole log it receives TimeoutNow and campaigns
    /// at once. Proposals are refused meanwhile; the transfer is abandoned after an election timeout.
    /// </summary>
    public ProposeResult TransferLeader(ulong to)
    {
        if (Role != RaftRole.Leader) return ProposeResult.NotLeader;
        if (to == Id || !voters.Contains(to)) return ProposeResult.Invalid;
        if (leadTransferee == to) return ProposeResult.Accepted;
        leadTransferee = to;
        electionElapsed = 0; // the transfer must finish within one election timeout
        var pr = progressById[to];
        if (pr.Match == Log.LastIndex) SendTimeoutNow(to);
        else SendAppend(pr, sendIfEmpty: true);
        return ProposeResult.Accepted;
    }

    private void SendTimeoutNow(ulong to) => Send(new Message { Type = MessageType.TimeoutNow, To = to });

    private void AppendEntry(Entry e)
    {
        Log.AppendOne(e);
        pendingBroadcast = true;
    }

    private void StepLeader(Message m)
    {
        if (m.Type == MessageType.ReadIndex)
        {
            HandleReadIndexRequest(m.From, m.Context);
            return;
        }
        if (!progressById.TryGetValue(m.From, out var pr)) return;
        switch (m.Type)
        {
            case MessageType.AppendResponse:
                pr.RecentActive = true;
                if (m.Reject) HandleAppendRejected(pr, m);
                else HandleAppendAccepted(pr, m);
                break;
            case MessageType.HeartbeatResponse:
                pr.RecentActive = true;
                pr.ProbeSent = false;
                if (pr.State == ProgressState.Replicate && pr.Inflights.Full) pr.Inflights.FreeFirstOne();
                // a snapshot in transfer is NOT resent here: one chunk is outstanding, resent only on its timeout
                if (pr.State != ProgressState.Snapshot && pr.Match < Log.LastIndex) SendAppend(pr, sendIfEmpty: true);
                if (m.ReadRound > pr.AckedReadRound)
                {
                    pr.AckedReadRound = m.ReadRound;
                    ReleaseConfirmedReads();
                }
                break;
            case MessageType.SnapshotResponse:
                pr.RecentActive = true;
                HandleSnapshotResponse(pr, m);
                break;
        }
    }

    private void HandleAppendRejected(Progress pr, Message m)
    {
        long nextProbe = m.RejectHint;
        if (m.LogTerm > 0) nextProbe = Log.FindConflictByTerm(m.RejectHint, m.LogTerm).Index;
        if (pr.MaybeDecrTo(m.Index, nextProbe))
        {
            if (pr.State == ProgressState.Replicate) pr.BecomeProbe();
            SendAppend(pr, sendIfEmpty: true);
        }
    }

    private void HandleAppendAccepted(Progress pr, Message m)
    {
        bool wasPaused = pr.IsPaused;
        if (!pr.MaybeUpdate(m.Index))
        {
            return;
        }
        switch (pr.State)
        {
            case ProgressState.Probe:
                pr.BecomeReplicate();
                break;
            case ProgressState.Snapshot when pr.Match >= pr.PendingSnapshot:
                pr.BecomeProbe();
                pr.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                pr.Inflights.FreeLE(m.Index);
                break;
        }
        if (MaybeCommit()) OnCommitAdvanced();
        else if (wasPaused) SendAppend(pr, sendIfEmpty: false);
        // pipelining: keep the window full
        while (MaybeSendAppend(pr, sendIfEmpty: false)) { }
        if (pr.Id == leadTransferee && pr.Match == Log.LastIndex) SendTimeoutNow(pr.Id);
    }

    private void OnCommitAdvanced()
    {
        pendingBroadcast = true;
        pendingCommitBroadcast = true;
        if (pendingReadRequests.Count > 0 && CommittedInCurrentTerm)
        {
            foreach (var (from, context) in pendingReadRequests) HandleReadIndexRequest(from, context);
            pendingReadRequests.Clear();
        }
    }

    private bool CommittedInCurrentTerm => Log.TermOrZero(Log.Committed) == Term;

    /// <summary>Commits the highest index durably stored on a majority of voters, if it is from this term.</summary>
    private bool MaybeCommit()
    {
        int n = 0;
        if (matchScratch.Length < voters.Count) matchScratch = new long[voters.Count * 2];
        foreach (var pr in peers)
        {
            if (!pr.IsLearner && voters.Contains(pr.Id)) matchScratch[n++] = pr.Match;
        }
        if (n == 0) return false;
        Array.Sort(matchScratch, 0, n);
        // n voters sorted ascending: the value at n - quorum is held by at least a quorum.
        long quorumMatch = matchScratch[n - (n / 2 + 1)];
        return Log.MaybeCommit(quorumMatch, Term);
    }

    /// <summary>Turns proposals and commit progress collected since the last Ready into appends.</summary>
    private void FlushPendingAppends()
    {
        if (pendingReadRound && Role == RaftRole.Leader)
        {
            // the round starts after every read waiting on it arrived, so its quorum confirms them all
            pendingReadRound = false;
            readRound++;
            BroadcastHeartbeat();
        }
        if (!pendingBroadcast || Role != RaftRole.Leader) return;
        bool withCommit = pendingCommitBroadcast;
        pendingBroadcast = false;
        pendingCommitBroadcast = false;
        foreach (var pr in peers)
        {
            if (pr.Id == Id) continue;
            // a peer in Probe is probed even without new entries (a new member must be found)
            if (MaybeSendAppend(pr, withCommit || pr.State != ProgressState.Replicate))
            {
                while (MaybeSendAppend(pr, sendIfEmpty: false)) { }
            }
        }
    }

    private void SendAppend(Progress pr, bool sendIfEmpty) => MaybeSendAppend(pr, sendIfEmpty);

    /// <summary>Sends the next batch to a peer unless its progress is paused; false if nothing was sent.</summary>
    private bool MaybeSendAppend(Progress pr, bool sendIfEmpty)
    {
        if (pr.IsPaused) return false;
        if (!sendIfEmpty && pr.Next > Log.LastIndex) return false; // nothing new: avoid building a message
        long prevIndex = pr.Next - 1;
        var m = new Message { Type = MessageType.Append, To = pr.Id, Index = prevIndex };
        if (!Log.TryTerm(prevIndex, out long prevTerm)
            || !Log.TryGetEntries(pr.Next, Log.LastIndex + 1, config.MaxSizePerMsg, config.MaxEntriesPerMsg, m.Entries))
        {
            // the entries this peer needs are compacted: it needs a snapshot
            StartSnapshot(pr);
            return true;
        }
        int count = m.Entries.Count;
        if (count == 0 && !sendIfEmpty) return false;
        m.LogTerm = prevTerm;
        m.Commit = Log.Committed;
        if (count > 0)
        {
            long last = m.Entries[count - 1].Index;
            if (pr.State == ProgressState.Replicate)
            {
                pr.Next = last + 1; // optimistic: the next batch goes out before this one is acknowledged
                pr.Inflights.Add(last);
            }
            else
            {
                pr.ProbeSent = true;
            }
        }
        else if (pr.State == ProgressState.Probe)
        {
            pr.ProbeSent = true;
        }
        Send(m);
        return true;
    }

    private void BroadcastHeartbeat()
    {
        foreach (var pr in peers)
        {
            if (pr.Id == Id) continue;
            Send(new Message
            {
                Type = MessageType.Heartbeat,
                To = pr.Id,
                // never ask a follower to commit beyond what it is known to hold
                Commit = Math.Min(pr.Match, Log.Committed),
                ReadRound = readRound,
            });
        }
    }

    private bool QuorumActive()
    {
        int active = 0;
        foreach (var pr in peers)
        {
            if (pr.IsLearner || !voters.Contains(pr.Id)) continue;
            if (pr.Id == Id || pr.RecentActive) active++;
        }
        return active >= voters.Count / 2 + 1;
    }

    // ---------------------------------------------------------------- ReadIndex (leader side)

    private void HandleReadIndexRequest(ulong from, ByteString context)
    {
        if (!CommittedInCurrentTerm)
        {
            // our commit index may lag the true one until an entry of this term commits
            pendingReadRequests.Add((from, context));
            return;
        }
        if (voters.Count == 1 && voters.Contains(Id))
        {
            AnswerRead(from, context, Log.Committed);
            return;
        }
        pendingReads.Enqueue(new PendingRead(from, context, Log.Committed, readRound + 1));
        pendingReadRound = true;
    }

    /// <summary>Answers every read whose confirmation round a quorum of voters has acknowledged.</summary>
    private void ReleaseConfirmedReads()
    {
        if (pendingReads.Count == 0) return;
        int n = 0;
        if (matchScratch.Length < voters.Count) matchScratch = new long[voters.Count * 2];
        foreach (var pr in peers)
        {
            if (pr.IsLearner || !voters.Contains(pr.Id)) continue;
            matchScratch[n++] = pr.Id == Id ? readRound : pr.AckedReadRound;
        }
        if (n == 0) return;
        Array.Sort(matchScratch, 0, n);
        long confirmed = matchScratch[n - (n / 2 + 1)];
        while (pendingReads.Count > 0 && pendingReads.Peek().Round <= confirmed)
        {
            var read = pendingReads.Dequeue();
            AnswerRead(read.From, read.Context, read.Index);
        }
    }

    private void AnswerRead(ulong from, ByteString context, long index)
    {
        if (from == Id) readStates.Add(new ReadState(index, context));
        else Send(new Message { Type = MessageType.ReadIndexResponse, To = from, Index = index, Context = context });
    }
}
