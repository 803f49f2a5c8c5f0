namespace DistSync.Cache;

/// <summary>
/// One node's cache counters (GET /cache/stats, Prometheus): thread-safe, written by the read path, the line actors
/// and the homes this node hosts. <see cref="MessagesSent"/> counts every coherence message this node's lines and homes
/// send; a read hit sends none, and the specs check that.
/// </summary>
public sealed class CacheStats
{
    private long hits, misses, evictions, invalidationsSent, invalidationsReceived, messagesSent;
    private long writeBacks, writeBackFailures, localWrites, homeWrites, lostDirtyLines, homesRebuilt, bytes, refused;

    public long Hits => Interlocked.Read(ref hits);
    public long Misses => Interlocked.Read(ref misses);
    public long Evictions => Interlocked.Read(ref evictions);

    /// <summary>Recalls to I sent by this node's homes (one per other copy a write or an invalidate removes).</summary>
    public long InvalidationsSent => Interlocked.Read(ref invalidationsSent);

    /// <summary>Recalls to I that found a copy in this node's lines.</summary>
    public long InvalidationsReceived => Interlocked.Read(ref invalidationsReceived);

    public long MessagesSent => Interlocked.Read(ref messagesSent);

    /// <summary>Dirty M values written to the KV (eviction, downgrade, recall).</summary>
    public long WriteBacks => Interlocked.Read(ref writeBacks);

    public long WriteBackFailures => Interlocked.Read(ref writeBackFailures);

    /// <summary>Writes completed in a local M or E line, with no message.</summary>
    public long LocalWrites => Interlocked.Read(ref localWrites);

    /// <summary>Writes that went through the home.</summary>
    public long HomeWrites => Interlocked.Read(ref homeWrites);

    /// <summary>Dirty lines dropped without a write-back because their home became unreachable (the documented loss).</summary>
    public long LostDirtyLines => Interlocked.Read(ref lostDirtyLines);

    /// <summary>Home directory entries this node started (each rebuilt conservatively: every copy recalled).</summary>
    public long HomesRebuilt => Interlocked.Read(ref homesRebuilt);

    /// <summary>Requests answered with an error (stale fence, timeout, store unavailable).</summary>
    public long Refused => Interlocked.Read(ref refused);

    /// <summary>Value bytes (UTF-8) held by this node's lines.</summary>
    public long Bytes => Interlocked.Read(ref bytes);

    internal void Hit() => Interlocked.Increment(ref hits);
    internal void Miss() => Interlocked.Increment(ref misses);
    internal void Evicted() => Interlocked.Increment(ref evictions);
    internal void InvalidationSent() => Interlocked.Increment(ref invalidationsSent);
    internal void InvalidationReceived() => Interlocked.Increment(ref invalidationsReceived);
    internal void MessageSent() => Interlocked.Increment(ref messagesSent);
    internal void WriteBack() => Interlocked.Increment(ref writeBacks);
    internal void WriteBackFailed() => Interlocked.Increment(ref writeBackFailures);
    internal void LocalWrite() => Interlocked.Increment(ref localWrites);
    internal void HomeWrite() => Interlocked.Increment(ref homeWrites);
    internal void LostDirty() => Interlocked.Increment(ref lostDirtyLines);
    internal void HomeRebuilt() => Interlocked.Increment(ref homesRebuilt);
    internal void RefusedOne() => Interlocked.Increment(ref refused);
    internal void AddBytes(long delta) => Interlocked.Add(ref bytes, delta);
}
