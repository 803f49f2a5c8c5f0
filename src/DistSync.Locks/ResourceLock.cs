namespace DistSync.Locks;

/// <summary>
/// One resource: its holders (all shared, or one exclusive) and its FIFO wait queue, whose head is never grantable
/// after an apply. <see cref="LastToken"/> is the last fencing token granted, kept so tokens strictly increase.
/// </summary>
internal sealed class ResourceLock(string name)
{
    public string Name { get; } = name;

    public long LastToken { get; set; }

    public SortedDictionary<string, LockHold> Holders { get; } = new(StringComparer.Ordinal);

    public List<LockWaiter> Queue { get; } = [];

    public int ExclusiveHolders { get; set; }

    public bool IsUnused => Holders.Count == 0 && Queue.Count == 0;

    public LockWaiter? WaiterOf(string sessionId)
    {
        foreach (var w in Queue)
        {
            if (string.Equals(w.SessionId, sessionId, StringComparison.Ordinal))
            {
                return w;
            }
        }

        return null;
    }
}
