namespace DistSync.Raft;

// Elections, and the follower / candidate step behaviours.
public sealed partial class RaftNode
{
    private enum CampaignKind { PreElection, Election, Transfer }
    private enum VoteResult { Pending, Won, Lost }

    private readonly Dictionary<ulong, bool> votes = new();

    /// <summary>Whether this node may campaign: only voters of its current configuration.</summary>
    public bool Promotable => voters.Contains(Id);

    private void StartCampaign(CampaignKind kind)
    {
        if (!Promotable) return;
        MessageType voteType;
        long term;
        if (kind == CampaignKind.PreElection)
        {
            BecomePreCandidate();
            voteType = MessageType.PreVote;
            term = Term + 1; // the term we would use; our own stays untouched
        }
        else
        {
            BecomeCandidate();
            voteType = MessageType.Vote;
            term = Term;
        }
        if (Poll(Id, true) == VoteResult.Won)
        {
            // single-voter configuration
            if (kind == CampaignKind.PreElection) StartCampaign(CampaignKind.Election);
            else BecomeLeader();
            return;
        }
        long lastIndex = Log.LastIndex, lastTerm = Log.LastTerm;
        foreach (ulong id in voters)
        {
            if (id == Id) continue;
            var m = new Message { Type = voteType, To = id, Term = term, Index = lastIndex, LogTerm = lastTerm };
            if (kind == CampaignKind.Transfer) m.Context = TransferContext;
            Send(m);
        }
    }

    private VoteResult Poll(ulong from, bool granted)
    {
        votes.TryAdd(from, granted);
        int yes = 0, no = 0;
        foreach (ulong id in voters)
        {
            if (!votes.TryGetValue(id, out bool v)) continue;
            if (v) yes++; else no++;
        }
        int quorum = voters.Count / 2 + 1;
        if (yes >= quorum) return VoteResult.Won;
        if (no > voters.Count - quorum) return VoteResult.Lost;
        return VoteResult.Pending;
    }

    private void HandleVoteRequest(Message m)
    {
        var responseType = m.Type == MessageType.Vote ? MessageType.VoteResponse : MessageType.PreVoteResponse;
        bool canVote = Vote == m.From
            || (Vote == 0 && Lead == 0)
            || (m.Type == MessageType.PreVote && m.Term > Term);
        if (canVote && Log.IsUpToDate(m.Index, m.LogTerm))
        {
            // A granted pre-vote answers in the candidate's future term so it is not dropped as stale.
            Send(new Message { Type = responseType, To = m.From, Term = m.Term });
            if (m.Type == MessageType.Vote)
            {
                electionElapsed = 0;
                Vote = m.From;
            }
        }
        else
        {
            Send(new Message { Type = responseType, To = m.From, Term = Term, Reject = true });
        }
    }

    private void StepFollower(Message m)
    {
        switch (m.Type)
        {
            case MessageType.Append:
                electionElapsed = 0;
                Lead = m.From;
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                electionElapsed = 0;
                Lead = m.From;
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                electionElapsed = 0;
                Lead = m.From;
                HandleSnapshotChunk(m);
                break;
            case MessageType.TimeoutNow:
                // leader transfer: campaign at once, skipping the pre-election
                StartCampaign(CampaignKind.Transfer);
                break;
            case MessageType.ReadIndexResponse:
                readStates.Add(new ReadState(m.Index, m.Context));
                break;
        }
    }

    private void StepCandidate(Message m)
    {
        var myResponse = Role == RaftRole.PreCandidate ? MessageType.PreVoteResponse : MessageType.VoteResponse;
        switch (m.Type)
        {
            case MessageType.Append:
                BecomeFollower(m.Term, m.From);
                HandleAppend(m);
                break;
            case MessageType.Heartbeat:
                BecomeFollower(m.Term, m.From);
                HandleHeartbeat(m);
                break;
            case MessageType.Snapshot:
                BecomeFollower(m.Term, m.From);
                HandleSnapshotChunk(m);
                break;
            default:
                if (m.Type != myResponse) break;
                if (Role == RaftRole.PreCandidate && m.Term != Term + 1 && !m.Reject) break;
                switch (Poll(m.From, !m.Reject))
                {
                    case VoteResult.Won:
                        if (Role == RaftRole.PreCandidate) StartCampaign(CampaignKind.Election);
                        else BecomeLeader();
                        break;
                    case VoteResult.Lost:
                        BecomeFollower(Term, 0);
                        break;
                }
                break;
        }
    }

    private void HandleAppend(Message m)
    {
        if (m.Index < Log.Committed)
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = Log.Committed });
            return;
        }
        long lastNew = Log.MaybeAppend(m.Index, m.LogTerm, m.Commit, m.Entries);
        if (lastNew >= 0)
        {
            Send(new Message { Type = MessageType.AppendResponse, To = m.From, Index = lastNew });
            return;
        }
        // Fast back-off: point the leader at our last entry whose term is not above the probed one, so it
        // skips a whole conflicting term per round trip instead of one entry.
        long hintIndex = Math.Min(m.Index, Log.LastIndex);
        var (index, term) = Log.FindConflictByTerm(hintIndex, m.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse, To = m.From, Index = m.Index, Reject = true,
            RejectHint = index, LogTerm = term,
        });
    }

    private void HandleHeartbeat(Message m)
    {
        if (m.Commit > Log.Committed && m.Commit <= Log.LastIndex) Log.CommitTo(m.Commit);
        Send(new Message { Type = MessageType.HeartbeatResponse, To = m.From, ReadRound = m.ReadRound });
    }
}
