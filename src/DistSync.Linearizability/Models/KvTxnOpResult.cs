namespace DistSync.Linearizability.Models;

/// <summary>
/// The result of one transaction operation. Put: <see cref="Version"/>. Delete (by key or prefix):
/// <see cref="Deleted"/>. Get: <see cref="Found"/> and, when found, <see cref="Value"/>, <see cref="Version"/>,
/// <see cref="CreateVersion"/> (0 when not reported).
/// </summary>
public sealed record KvTxnOpResult(KvTxnOpKind Kind, long Version = 0, long Deleted = 0, bool Found = false, string? Value = null, long CreateVersion = 0)
{
    public static KvTxnOpResult Put(long version) => new(KvTxnOpKind.Put, Version: version);

    /// <summary>A delete by key or by prefix (both answer <c>"op":"delete"</c>).</summary>
    public static KvTxnOpResult Delete(long deleted) => new(KvTxnOpKind.Delete, Deleted: deleted);

    public static KvTxnOpResult GetFound(string value, long version, long createVersion) =>
        new(KvTxnOpKind.Get, Version: version, Found: true, Value: value, CreateVersion: createVersion);

    public static KvTxnOpResult GetMissing { get; } = new(KvTxnOpKind.Get);

    public override string ToString() => Kind switch
    {
        KvTxnOpKind.Put => $"v{Version}",
        KvTxnOpKind.Get => Found ? $"\"{Value}\" v{Version} c{CreateVersion}" : "not found",
        _ => $"deleted {Deleted}",
    };
}
