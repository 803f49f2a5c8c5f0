namespace DistSync.Locks;

/// <summary>
/// A transaction of the wait-for graph while it holds or waits for something. <see cref="FirstIndex"/> is the Raft
/// index at which it (re)appeared: its age, the same on every replica.
/// </summary>
internal sealed class TxnState(long firstIndex)
{
    public long FirstIndex { get; } = firstIndex;

    public SortedSet<(string Resource, string SessionId)> Holds { get; } = new(OrdinalPairComparer.Instance);

    public SortedSet<long> Waits { get; } = [];

    public bool IsEmpty => Holds.Count == 0 && Waits.Count == 0;
}
