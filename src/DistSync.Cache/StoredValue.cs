namespace DistSync.Cache;

/// <summary>A committed value of the backing store and its version (the KV's Raft index of the write).</summary>
public sealed record StoredValue(string Value, long Version);
