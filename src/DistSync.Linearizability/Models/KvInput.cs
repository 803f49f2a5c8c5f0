namespace DistSync.Linearizability.Models;

/// <summary>
/// An operation on one key of a key-value store (API.md "Key-value"): get, put (optionally compare-and-set on
/// the key's version, 0 meaning "must not exist"), or delete.
/// </summary>
public sealed record KvInput(KvOperationKind Kind, string Key, string? Value, long? ExpectedVersion)
{
    public static KvInput Get(string key) => new(KvOperationKind.Get, key, null, null);

    public static KvInput Put(string key, string value) => new(KvOperationKind.Put, key, value, null);

    /// <summary>Put only if the key's version is <paramref name="expectedVersion"/> (0: only if the key does not exist).</summary>
    public static KvInput CompareAndSet(string key, string value, long expectedVersion) =>
        new(KvOperationKind.Put, key, value, expectedVersion);

    public static KvInput Delete(string key) => new(KvOperationKind.Delete, key, null, null);

    public override string ToString() => Kind switch
    {
        KvOperationKind.Get => $"get({Key})",
        KvOperationKind.Delete => $"delete({Key})",
        _ when ExpectedVersion is { } expected => $"cas({Key}, \"{Value}\", expected v{expected})",
        _ => $"put({Key}, \"{Value}\")",
    };
}
