using Google.Protobuf;

namespace DistSync.Raft;

// Configuration: voters, learners, single-server changes (applied at commit).
public sealed partial class RaftNode
{
    private readonly HashSet<ulong> voters = new();
    private readonly HashSet<ulong> learners = new();
    private readonly Dictionary<ulong, Progress> progressById = new();
    // Every member's progress, ordered by id so iteration (and thus message order) is deterministic.
    private Progress[] peers = Array.Empty<Progress>();
    private Progress? selfProgress;
    // Highest index whose conf change (or snapshot configuration) is in effect; and the index up to which the leader
    // must have applied before it may propose another change (its last proposed one, or its log at election).
    private long confAppliedIndex;
    private long pendingConfIndex;

    public IReadOnlyCollection<ulong> Voters => voters;
    public IReadOnlyCollection<ulong> Learners => learners;

    /// <summary>The configuration in effect (as of the last entry handed out for application); store it with snapshots.</summary>
    public ConfState ConfState
    {
        get
        {
            var cs = new ConfState();
            var v = new List<ulong>(voters);
            v.Sort();
            var l = new List<ulong>(learners);
            l.Sort();
            cs.Voters.AddRange(v);
            cs.Learners.AddRange(l);
            return cs;
        }
    }

    /// <summary>
    /// Proposes a single-server membership change: add a voter (promoting a learner), add a learner, or remove a
    /// member. Only one change may be pending: a new one is refused until the previous one has been applied.
    /// </summary>
    public ProposeResult ProposeConfChange(ConfChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (Role != RaftRole.Leader) return ProposeResult.NotLeader;
        if (leadTransferee != 0) return ProposeResult.TransferInProgress;
        // As etcd: a change is pending while the leader has not applied up to the last one it may not know the
        // outcome of. Comparing with the index of the last APPLIED CONF CHANGE instead refused every change after a
        // leader change for good (BecomeLeader marks its whole log pending, and normal entries follow the last one).
        if (pendingConfIndex > Log.Applied) return ProposeResult.ConfChangePending;
        ulong id = change.NodeId;
        if (id == 0) return ProposeResult.Invalid;
        switch (change.Type)
        {
            case ConfChangeType.AddVoter when voters.Contains(id):
            case ConfChangeType.AddLearner when voters.Contains(id) || learners.Contains(id):
            case ConfChangeType.Remove when !voters.Contains(id) && !learners.Contains(id):
            case ConfChangeType.Remove when voters.Count == 1 && voters.Contains(id):
                return ProposeResult.Invalid;
            case ConfChangeType.AddVoter or ConfChangeType.AddLearner or ConfChangeType.Remove:
                break;
            default:
                return ProposeResult.Invalid;
        }
        AppendEntry(new Entry
        {
            Term = Term,
            Index = Log.LastIndex + 1,
            Type = EntryType.ConfChange,
            Data = change.ToByteString(),
        });
        pendingConfIndex = Log.LastIndex;
        return ProposeResult.Accepted;
    }

    private void ApplyConfState(ConfState cs)
    {
        voters.Clear();
        learners.Clear();
        foreach (ulong v in cs.Voters) voters.Add(v);
        foreach (ulong l in cs.Learners) if (!voters.Contains(l)) learners.Add(l);
        progressById.Clear();
        foreach (ulong v in voters) progressById[v] = NewProgress(v, isLearner: false);
        foreach (ulong l in learners) progressById[l] = NewProgress(l, isLearner: true);
        RebuildPeers();
    }

    private Progress NewProgress(ulong id, bool isLearner) =>
        new(id, Log.LastIndex + 1, config.MaxInflightMsgs, isLearner) { RecentActive = true };

    private void RebuildPeers()
    {
        var list = new List<Progress>(progressById.Values);
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        peers = list.ToArray();
        selfProgress = progressById.TryGetValue(Id, out var self) ? self : null;
        if (selfProgress is not null) selfProgress.Match = Math.Max(selfProgress.Match, Role == RaftRole.Leader ? Log.StableLastIndex : 0);
    }

    /// <summary>On restart: re-applies committed conf changes between the snapshot and the commit index.</summary>
    private void ReplayCommittedConfChanges()
    {
        if (Log.Committed <= confAppliedIndex) return;
        var entries = new List<Entry>();
        if (!Log.TryGetEntries(confAppliedIndex + 1, Log.Committed + 1, long.MaxValue, int.MaxValue, entries)) return;
        ApplyCommittedConfChanges(entries);
    }

    private void ApplyCommittedConfChanges(List<Entry> committed)
    {
        for (int i = 0; i < committed.Count; i++)
        {
            var e = committed[i];
            if (e.Type != EntryType.ConfChange || e.Index <= confAppliedIndex) continue;
            ConfChange cc;
            try
            {
                cc = ConfChange.Parser.ParseFrom(e.Data);
            }
            catch (InvalidProtocolBufferException)
            {
                // committed garbage cannot be un-committed; every node skips it identically
                confAppliedIndex = e.Index;
                continue;
            }
            ApplyConfChange(cc);
            confAppliedIndex = e.Index;
        }
    }

    private void ApplyConfChange(ConfChange cc)
    {
        ulong id = cc.NodeId;
        switch (cc.Type)
        {
            case ConfChangeType.AddVoter:
                if (learners.Remove(id))
                {
                    voters.Add(id);
                    progressById[id].IsLearner = false;
                }
                else if (voters.Add(id))
                {
                    progressById[id] = NewProgress(id, isLearner: false);
                }
                break;
            case ConfChangeType.AddLearner:
                if (!voters.Contains(id) && learners.Add(id)) progressById[id] = NewProgress(id, isLearner: true);
                break;
            case ConfChangeType.Remove:
                voters.Remove(id);
                learners.Remove(id);
                progressById.Remove(id);
                if (leadTransferee == id) leadTransferee = 0;
                break;
        }
        RebuildPeers();
        if (Role != RaftRole.Leader) return;
        if (!voters.Contains(Id))
        {
            // removed (or never a voter): stop leading; the remaining voters elect a leader among themselves
            BecomeFollower(Term, 0);
            return;
        }
        pendingBroadcast = true; // start replicating to a new member
        if (MaybeCommit()) OnCommitAdvanced(); // a smaller quorum may commit more
        ReleaseConfirmedReads();
    }
}
