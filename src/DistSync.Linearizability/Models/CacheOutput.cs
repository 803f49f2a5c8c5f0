namespace DistSync.Linearizability.Models;

/// <summary>
/// The answer to a <see cref="CacheInput"/>. <see cref="Ok"/> means: a read found a value (<see cref="Value"/>);
/// a write was accepted; an invalidate is always ok. A write that is not ok was refused (HTTP 409
/// <c>stale-fence</c>) and changed nothing; a read that is not ok found nothing (HTTP 404).
/// </summary>
public sealed record CacheOutput(bool Ok, string? Value)
{
    public static CacheOutput Found(string value) => new(true, value);

    public static CacheOutput NotFound { get; } = new(false, null);

    public static CacheOutput Written { get; } = new(true, null);

    /// <summary>A write the cache refused (HTTP 409 <c>stale-fence</c>): it changed nothing.</summary>
    public static CacheOutput Rejected { get; } = new(false, null);

    public static CacheOutput Invalidated { get; } = new(true, null);
}
