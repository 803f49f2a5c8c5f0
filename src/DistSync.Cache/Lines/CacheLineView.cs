using System.Diagnostics;

namespace DistSync.Cache.Lines;

/// <summary>
/// The part of a line that readers see without messaging its actor: the last published <see cref="LineSnapshot"/> and
/// the access stamp LRU eviction orders by. Only the line actor publishes; a read hit takes one snapshot (a volatile
/// read) and stamps the access. An invalidation publishes <see cref="LineSnapshot.Invalid"/> before it is
/// acknowledged, so no hit that starts after the home's write completed can see the old value.
/// </summary>
public sealed class CacheLineView
{
    private volatile LineSnapshot snapshot = LineSnapshot.Invalid;
    private long lastAccess = Stopwatch.GetTimestamp();
    private long accesses;

    public CacheLineView(string key, ulong lineId)
    {
        Key = key;
        LineId = lineId;
    }

    public string Key { get; }

    /// <summary>Which line actor of this node owns the view (a key's later line has a larger id).</summary>
    public ulong LineId { get; }

    public LineSnapshot Snapshot => snapshot;

    /// <summary><see cref="Stopwatch.GetTimestamp"/> of the last access.</summary>
    public long LastAccess => Volatile.Read(ref lastAccess);

    /// <summary>Reads served by this line (hits and the read that filled it).</summary>
    public long Accesses => Interlocked.Read(ref accesses);

    public void Touch()
    {
        Volatile.Write(ref lastAccess, Stopwatch.GetTimestamp());
        Interlocked.Increment(ref accesses);
    }

    internal void Publish(LineSnapshot next) => snapshot = next;
}
