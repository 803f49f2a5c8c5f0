namespace DistSync.Cache;

/// <summary>
/// An in-memory <see cref="ICacheStore"/> (specs, embedded use): versions count up per write. Counts its calls so a
/// spec can check that a read hit never touches the store, and can be made unavailable to test write-back failures.
/// </summary>
public sealed class InMemoryCacheStore : ICacheStore
{
    private readonly Dictionary<string, StoredValue> values = new(StringComparer.Ordinal);
    private readonly object gate = new();
    private long version;
    private long reads, writes, deletes;

    /// <summary>While true every call throws <see cref="CacheStoreUnavailableException"/>.</summary>
    public bool Unavailable { get; set; }

    public long Reads => Interlocked.Read(ref reads);
    public long Writes => Interlocked.Read(ref writes);
    public long Deletes => Interlocked.Read(ref deletes);

    /// <summary>The stored value of <paramref name="key"/> now (for assertions; not counted).</summary>
    public StoredValue? Peek(string key)
    {
        lock (gate) return values.GetValueOrDefault(key);
    }

    public Task<StoredValue?> ReadAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref reads);
        ThrowIfUnavailable();
        lock (gate) return Task.FromResult(values.GetValueOrDefault(key));
    }

    public Task<long> WriteAsync(string key, string value, CancellationToken ct)
    {
        Interlocked.Increment(ref writes);
        ThrowIfUnavailable();
        lock (gate)
        {
            var v = ++version;
            values[key] = new StoredValue(value, v);
            return Task.FromResult(v);
        }
    }

    public Task<bool> DeleteAsync(string key, CancellationToken ct)
    {
        Interlocked.Increment(ref deletes);
        ThrowIfUnavailable();
        lock (gate) return Task.FromResult(values.Remove(key));
    }

    private void ThrowIfUnavailable()
    {
        if (Unavailable) throw new CacheStoreUnavailableException("the in-memory store is set unavailable");
    }
}
