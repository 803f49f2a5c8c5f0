namespace DistSync.Raft;

/// <summary>
/// Ring buffer of the last indices of appends sent to one follower but not yet acknowledged:
/// the pipelining window. Fixed capacity, no allocation after construction.
/// </summary>
internal sealed class Inflights
{
    private readonly long[] buffer;
    private int start;

    public Inflights(int capacity) => buffer = new long[Math.Max(1, capacity)];

    public int Count { get; private set; }
    public int Capacity => buffer.Length;
    public bool Full => Count == buffer.Length;

    public void Add(long lastIndex)
    {
        if (Full) throw new InvalidOperationException("inflight window is full");
        buffer[(start + Count) % buffer.Length] = lastIndex;
        Count++;
    }

    /// <summary>Frees every inflight append whose last index is at or below <paramref name="index"/>.</summary>
    public void FreeLE(long index)
    {
        while (Count > 0 && buffer[start] <= index)
        {
            start = (start + 1) % buffer.Length;
            Count--;
        }
    }

    /// <summary>Frees the oldest slot so a stalled window (lost acks) can probe again.</summary>
    public void FreeFirstOne()
    {
        if (Count > 0) FreeLE(buffer[start]);
    }

    public void Reset()
    {
        start = 0;
        Count = 0;
    }
}
