namespace DistSync.Client.Contracts;

/// <summary>Answer of a successful <c>PUT /kv/{key}</c>: the write's version (its Raft index).</summary>
public sealed record KvPutResponse(string Key, long Version);
