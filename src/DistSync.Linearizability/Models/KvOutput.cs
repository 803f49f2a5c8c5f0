namespace DistSync.Linearizability.Models;

/// <summary>
/// The answer to a <see cref="KvInput"/>. <see cref="Ok"/> means: get found the key; put wrote (no version
/// mismatch); delete removed an existing key. <see cref="Version"/> is the key's version after a put, or the
/// version read by a get (0 when the client does not report versions; use <c>KvModel(checkVersions: false)</c>),
/// or the entry's index after a range delete. The multi-key kinds of <see cref="KvTxnModel"/> answer in
/// <see cref="Txn"/>, <see cref="Range"/> and <see cref="DeletedCount"/>.
/// </summary>
public sealed record KvOutput(bool Ok, string? Value, long Version)
{
    /// <summary>The createVersion a get reported; 0 when not reported (only <see cref="KvTxnModel"/> checks it).</summary>
    public long CreateVersion { get; init; }

    /// <summary>The answer of a transaction.</summary>
    public KvTxnResult? Txn { get; init; }

    /// <summary>The answer of a range read.</summary>
    public KvRangeResult? Range { get; init; }

    /// <summary>How many keys a range delete removed.</summary>
    public long DeletedCount { get; init; }

    public static KvOutput Found(string value, long version) => new(true, value, version);

    /// <summary>A get that reported the key's createVersion too (a <c>GET /kv/{key}</c> answer).</summary>
    public static KvOutput Found(string value, long version, long createVersion) =>
        new(true, value, version) { CreateVersion = createVersion };

    public static KvOutput NotFound { get; } = new(false, null, 0);

    public static KvOutput Written(long version) => new(true, null, version);

    /// <summary>A compare-and-set whose expected version did not match (HTTP 409 version-mismatch).</summary>
    public static KvOutput VersionMismatch { get; } = new(false, null, 0);

    public static KvOutput Deleted(bool existed) => new(existed, null, 0);

    public static KvOutput Transaction(KvTxnResult result) =>
        new(true, null, result?.Version ?? throw new ArgumentNullException(nameof(result))) { Txn = result };

    public static KvOutput RangeResult(KvRangeResult result) =>
        new(true, null, 0) { Range = result ?? throw new ArgumentNullException(nameof(result)) };

    /// <summary>A range delete that removed <paramref name="count"/> keys in the entry at <paramref name="version"/>.</summary>
    public static KvOutput DeletedRange(long count, long version) => new(true, null, version) { DeletedCount = count };
}
