namespace DistSync.Client.Contracts;

/// <summary>Answer of <c>GET /kv/{key}</c>: the value and its version (the Raft index of the key's last write).</summary>
public sealed record KvGetResponse(string Key, string Value, long Version);
