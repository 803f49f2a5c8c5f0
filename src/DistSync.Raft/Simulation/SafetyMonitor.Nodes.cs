namespace DistSync.Raft.Simulation;

// Invariants of each node: what a restart recovers from its disk.
internal sealed partial class SafetyMonitor
{
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
