namespace DistSync.Client.Contracts;

/// <summary>
/// One condition of <c>POST /kv/txn</c> on <see cref="Key"/>. Exactly one target is set: <see cref="Version"/> (the
/// key's last write; 0 when it does not exist), <see cref="CreateVersion"/> (0 when it does not exist),
/// <see cref="Value"/> (false for every op when the key does not exist) or <see cref="Exists"/>.
/// <see cref="Op"/> is <c>==</c> (default), <c>!=</c>, <c>&lt;</c> or <c>&gt;</c>; only <c>==</c> and <c>!=</c> for
/// <see cref="Exists"/>. Values compare ordinally.
/// </summary>
public sealed record KvCompare(string? Key, string? Op = null, long? Version = null, long? CreateVersion = null, string? Value = null, bool? Exists = null);
