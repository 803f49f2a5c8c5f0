namespace DistSync.KeyValue;

/// <summary>
/// A key's current value and version (the Raft index of its last write), the version that created it (since it last
/// did not exist), and the session it is bound to (null when it outlives sessions).
/// </summary>
public readonly record struct KvValue(string Value, long Version, long CreateVersion, string? SessionId = null);
