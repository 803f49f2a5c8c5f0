namespace DistSync.Cache;

/// <summary>
/// The cache's backing store (the meta group's replicated KV in a node; <see cref="InMemoryCacheStore"/> in specs).
/// Thread-safe. A call that cannot complete throws <see cref="CacheStoreUnavailableException"/>.
/// </summary>
public interface ICacheStore
{
    /// <summary>The key's committed value (linearizable), or null when it has none.</summary>
    Task<StoredValue?> ReadAsync(string key, CancellationToken ct);

    /// <summary>Commits <paramref name="value"/>; returns its version.</summary>
    Task<long> WriteAsync(string key, string value, CancellationToken ct);

    /// <summary>Removes the key; true when it had a value.</summary>
    Task<bool> DeleteAsync(string key, CancellationToken ct);
}
