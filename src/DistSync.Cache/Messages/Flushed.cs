namespace DistSync.Cache.Messages;

/// <summary>The answer to <see cref="FlushDirty"/>: values written back, and write-backs that failed (those lines stay dirty).</summary>
public sealed record Flushed(int Written, int Failed);
