namespace DistSync.Linearizability.Models;

/// <summary>
/// The answer to a <see cref="KvInput"/>. <see cref="Ok"/> means: get found the key; put wrote (no version
/// mismatch); delete removed an existing key. <see cref="Version"/> is the key's version after a put, or the
/// version read by a get (0 when the client does not report versions; use <c>KvModel(checkVersions: false)</c>).
/// </summary>
public sealed record KvOutput(bool Ok, string? Value, long Version)
{
    public static KvOutput Found(string value, long version) => new(true, value, version);

    public static KvOutput NotFound { get; } = new(false, null, 0);

    public static KvOutput Written(long version) => new(true, null, version);

    /// <summary>A compare-and-set whose expected version did not match (HTTP 409 version-mismatch).</summary>
    public static KvOutput VersionMismatch { get; } = new(false, null, 0);

    public static KvOutput Deleted(bool existed) => new(existed, null, 0);
}
