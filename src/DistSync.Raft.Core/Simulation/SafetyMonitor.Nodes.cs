namespace DistSync.Raft.Simulation;

// Invariants of every node, not only leaders: commit and applied indexes, votes, and what a restart recovers.
internal sealed partial class SafetyMonitor
{
    private sealed class NodeWatch
    {
        public int Incarnation = -1;
        public long Term;
        public long Commit;
        public long Applied;
    }

    private readonly Dictionary<ulong, NodeWatch> watches = new();
    // (voter, term) -> the candidate it voted for, from its durable hard state and the grants it sent
    private readonly Dictionary<(ulong, long), ulong> votes = new();

    /// <summary>
    /// Within one incarnation term, commit and applied never decrease; applied ≤ commit ≤ last index; the state
    /// machine is where the core says; and every entry up to the commit index is the one committed there (checked
    /// over the whole retained log at the first observation after a start, then as the commit index grows).
    /// </summary>
    private void ObserveIndexes(RaftNode n, int incarnation, long stateMachineApplied)
    {
        if (!watches.TryGetValue(n.Id, out var w)) watches[n.Id] = w = new NodeWatch();
        bool fresh = w.Incarnation != incarnation;
        string who = $"node {n.Id} ({n.Role}, term {n.Term})";
        if (n.CommitIndex > n.LastIndex) Fail($"{who}: commit index {n.CommitIndex} is beyond its last index {n.LastIndex}");
        if (n.AppliedIndex > n.CommitIndex) Fail($"{who}: applied {n.AppliedIndex} is beyond commit {n.CommitIndex}");
        if (stateMachineApplied != n.AppliedIndex) Fail($"{who}: state machine applied {stateMachineApplied}, core applied {n.AppliedIndex}");
        if (!fresh)
        {
            if (n.Term < w.Term) Fail($"{who}: term went back from {w.Term}");
            if (n.CommitIndex < w.Commit) Fail($"{who}: commit index went back from {w.Commit} to {n.CommitIndex}");
            if (n.AppliedIndex < w.Applied) Fail($"{who}: applied index went back from {w.Applied} to {n.AppliedIndex}");
        }
        long from = fresh ? n.FirstIndex - 1 : Math.Max(w.Commit + 1, n.FirstIndex - 1);
        for (long i = from; i <= n.CommitIndex; i++) ObserveCommitted(n, i, n.TermAt(i));
        // Unchanged commit: its entry must still be there (a truncation below it replaces it too, by log matching).
        if (!fresh && n.CommitIndex == w.Commit) ObserveCommitted(n, n.CommitIndex, n.TermAt(n.CommitIndex));
        w.Incarnation = incarnation;
        w.Term = n.Term;
        w.Commit = n.CommitIndex;
        w.Applied = n.AppliedIndex;
    }

    /// <summary>A hard state was made durable: a node never votes for two candidates in one term, even across restarts.</summary>
    public void ObservePersistedHardState(ulong node, HardState hs)
    {
        if (hs.Vote != 0) ObserveVote(node, hs.Term, hs.Vote, "persisted");
    }

    /// <summary>A message leaves a node: a vote grant must agree with every other vote of that voter in that term.</summary>
    public void ObserveSent(Message m)
    {
        if (m.Type == MessageType.VoteResponse && !m.Reject) ObserveVote(m.From, m.Term, m.To, "granted");
    }

    private void ObserveVote(ulong voter, long term, ulong candidate, string how)
    {
        if (votes.TryGetValue((voter, term), out ulong earlier))
        {
            if (earlier != candidate) Fail($"vote safety: node {voter} {how} a vote for {candidate} in term {term}, but it had voted for {earlier}");
        }
        else votes[(voter, term)] = candidate;
    }

    /// <summary>
    /// A restart rebuilt <paramref name="recovered"/> from the disk; <paramref name="persisted"/> is the in-memory view
    /// the node had when it stopped, which never runs ahead of the disk. Both must hold the same hard state and the
    /// same log. The recovered log may reach further back (older snapshot) only if the last log snapshot write was lost.
    /// </summary>
    public void ObserveRecovery(ulong node, IRaftStorage persisted, IRaftStorage recovered, bool logStateCurrent)
    {
        string who = $"node {node} restart";
        var hs = persisted.HardState;
        var rhs = recovered.HardState;
        if (!hs.Equals(rhs)) Fail($"{who}: recovered hard state {rhs} but it had persisted {hs}");
        if (recovered.LastIndex != persisted.LastIndex)
            Fail($"{who}: replayed log ends at {recovered.LastIndex} but it had persisted up to {persisted.LastIndex} (log from {persisted.FirstIndex}, snapshot at {persisted.Snapshot.Metadata.Index})");
        var snap = persisted.Snapshot.Metadata;
        var rsnap = recovered.Snapshot.Metadata;
        if (rsnap.Index > snap.Index || recovered.FirstIndex > persisted.FirstIndex)
            Fail($"{who}: recovered snapshot {rsnap.Index} / log from {recovered.FirstIndex}, but it had snapshot {snap.Index} / log from {persisted.FirstIndex}");
        if (logStateCurrent && (rsnap.Index != snap.Index || recovered.FirstIndex != persisted.FirstIndex))
            Fail($"{who}: recovered snapshot {rsnap.Index} / log from {recovered.FirstIndex}, but its log snapshot holds {snap.Index} / log from {persisted.FirstIndex}");
        if (rsnap.Index == snap.Index && (rsnap.Term != snap.Term || !recovered.Snapshot.Data.Equals(persisted.Snapshot.Data)))
            Fail($"{who}: recovered a different snapshot at {snap.Index} (term {rsnap.Term} vs {snap.Term})");
        long lo = persisted.FirstIndex, hi = persisted.LastIndex;
        if (hi < lo) return;
        var mine = new List<Entry>((int)(hi - lo + 1));
        var theirs = new List<Entry>((int)(hi - lo + 1));
        if (!persisted.TryGetEntries(lo, hi + 1, long.MaxValue, int.MaxValue, mine) || !recovered.TryGetEntries(lo, hi + 1, long.MaxValue, int.MaxValue, theirs))
            Fail($"{who}: cannot read entries {lo}..{hi} back");
        for (int i = 0; i < mine.Count; i++)
        {
            if (i >= theirs.Count || !SameEntry(mine[i], theirs[i]))
                Fail($"{who}: replayed entry {lo + i} is {(i < theirs.Count ? $"term {theirs[i].Term} index {theirs[i].Index}" : "missing")}, it had persisted term {mine[i].Term}");
        }
    }
}
