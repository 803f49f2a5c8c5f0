namespace DistSync.Linearizability.Models;

/// <summary>
/// An operation on a key-value store (API.md "Key-value", docs/KV.md): get, put (optionally compare-and-set on
/// the key's version, 0 meaning "must not exist"), delete; and, for <see cref="KvTxnModel"/> only, a transaction,
/// a range read or a range delete. The multi-key kinds have an empty <see cref="Key"/>.
/// </summary>
public sealed record KvInput(KvOperationKind Kind, string Key, string? Value, long? ExpectedVersion)
{
    /// <summary>The transaction of a <see cref="KvOperationKind.Txn"/>.</summary>
    public KvTxn? Txn { get; init; }

    /// <summary>The keys of a <see cref="KvOperationKind.Range"/> or <see cref="KvOperationKind.DeleteRange"/>.</summary>
    public KvRange? Range { get; init; }

    public static KvInput Get(string key) => new(KvOperationKind.Get, key, null, null);

    public static KvInput Put(string key, string value) => new(KvOperationKind.Put, key, value, null);

    /// <summary>Put only if the key's version is <paramref name="expectedVersion"/> (0: only if the key does not exist).</summary>
    public static KvInput CompareAndSet(string key, string value, long expectedVersion) =>
        new(KvOperationKind.Put, key, value, expectedVersion);

    public static KvInput Delete(string key) => new(KvOperationKind.Delete, key, null, null);

    public static KvInput Transaction(KvTxn txn) =>
        new(KvOperationKind.Txn, "", null, null) { Txn = txn ?? throw new ArgumentNullException(nameof(txn)) };

    public static KvInput RangeRead(KvRange range) =>
        new(KvOperationKind.Range, "", null, null) { Range = range ?? throw new ArgumentNullException(nameof(range)) };

    public static KvInput DeleteRange(KvRange range) =>
        new(KvOperationKind.DeleteRange, "", null, null) { Range = range ?? throw new ArgumentNullException(nameof(range)) };

    public override string ToString() => Kind switch
    {
        KvOperationKind.Get => $"get({Key})",
        KvOperationKind.Delete => $"delete({Key})",
        KvOperationKind.Txn => Txn!.ToString(),
        KvOperationKind.Range => $"range({Range})",
        KvOperationKind.DeleteRange => $"delete-range({Range})",
        _ when ExpectedVersion is { } expected => $"cas({Key}, \"{Value}\", expected v{expected})",
        _ => $"put({Key}, \"{Value}\")",
    };
}
