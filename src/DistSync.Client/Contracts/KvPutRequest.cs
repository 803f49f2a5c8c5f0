namespace DistSync.Client.Contracts;

/// <summary>
/// Body of <c>PUT /kv/{key}</c>; <see cref="ExpectedVersion"/> makes it a compare-and-set (0 = must not exist).
/// <see cref="SessionId"/> binds the key to a live session (an ephemeral key): when the session ends, the key is
/// deleted in the same committed entry. A put without it detaches the key from any session, as in etcd.
/// </summary>
public sealed record KvPutRequest(string? Value, long? ExpectedVersion = null, string? SessionId = null);
