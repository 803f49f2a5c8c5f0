namespace DistSync.Cache.Lines;

/// <summary>A line's write-back finished: the KV version, or the error that stopped it.</summary>
internal sealed record WriteBackDone(long Version, string? Error);
