namespace DistSync.KeyValue;

/// <summary>A key's current value and version (the Raft index of its last write).</summary>
public readonly record struct KvValue(string Value, long Version);
