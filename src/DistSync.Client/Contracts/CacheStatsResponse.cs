namespace DistSync.Client.Contracts;

/// <summary>
/// Answer of <c>GET /cache/stats</c>, for the answering node only: its lines against <c>capacity</c> and their value
/// bytes against <c>maxBytes</c> (the two LRU bounds); reads that hit or missed since the node started and
/// <c>hitRate</c> = hits / (hits + misses) as a fraction 0..1; lines evicted; invalidations this node sent and received;
/// lines per MESI state; <c>writePolicy</c> <c>"write-back"</c> or <c>"write-through"</c>.
/// </summary>
public sealed record CacheStatsResponse(
    string NodeId,
    int Lines,
    int Capacity,
    long Bytes,
    long MaxBytes,
    long Hits,
    long Misses,
    double HitRate,
    long Evictions,
    long InvalidationsSent,
    long InvalidationsReceived,
    CacheStateCounts ByState,
    string WritePolicy);
