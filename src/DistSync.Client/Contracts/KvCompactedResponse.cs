namespace DistSync.Client.Contracts;

/// <summary>
/// The extension member of a 410 problem from <c>GET /kv/watch</c> (and the data of an <c>event: compacted</c> that
/// ends a stream that fell behind): the asked version's changes were compacted; the oldest still available is
/// <see cref="OldestVersion"/>.
/// </summary>
public sealed record KvCompactedResponse(long OldestVersion);
