namespace DistSync.Cache.Messages;

/// <summary>Local, line to node cache: the eviction did not happen (the write-back failed); the line stays.</summary>
public sealed record EvictionAborted(string Key);
