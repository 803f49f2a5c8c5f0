namespace DistSync.Client.Contracts;

/// <summary>
/// Answer of <c>GET /kv/{key}</c>, and one item of a range: the value and its version (the Raft index of the key's
/// last write), the version that created the key (since it last did not exist), and the session it is bound to
/// (null when it is not ephemeral).
/// </summary>
public sealed record KvGetResponse(string Key, string Value, long Version, long CreateVersion = 0, string? SessionId = null);
