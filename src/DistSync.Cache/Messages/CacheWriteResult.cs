namespace DistSync.Cache.Messages;

/// <summary>A completed write: the writer's line is M; every other copy was invalidated before this answer.
/// <see cref="Version"/> is the KV version under write-through, else the last written-back version.</summary>
public sealed record CacheWriteResult(LineState State, long Version, bool Local);
