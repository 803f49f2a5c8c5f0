namespace DistSync.Cache;

/// <summary>The cache's settings (<c>dsync.cache</c>, one comment per key in hocon/cache.conf).</summary>
public sealed record CacheSettings
{
    /// <summary>Most line actors a node keeps; past it the least recently used idle lines are evicted.</summary>
    public int Capacity { get; init; } = 10_000;

    /// <summary>Most value bytes (UTF-8) a node's lines hold; past it the least recently used are evicted.</summary>
    public long MaxBytes { get; init; } = 64L * 1024 * 1024;

    public WritePolicy WritePolicy { get; init; } = WritePolicy.WriteBack;

    /// <summary>How long a line waits for its home's grant, and a home for one recall answer, before giving up.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a backing-store call (KV read, write, delete) may take.</summary>
    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A home with no copies to track and no request for this long passivates (its next request rebuilds it).</summary>
    public TimeSpan HomeIdleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Shards of the home region (a key's shard is a stable hash modulo this).</summary>
    public int ShardCount { get; init; } = 1024;

    /// <summary>Virtual nodes per member on the ring that places the home shards.</summary>
    public int VirtualNodes { get; init; } = 150;

    public void Validate()
    {
        if (Capacity < 1) throw new ArgumentException("capacity must be at least 1");
        if (MaxBytes < 1) throw new ArgumentException("max-bytes must be positive");
        if (RequestTimeout <= TimeSpan.Zero) throw new ArgumentException("request-timeout must be positive");
        if (StoreTimeout <= TimeSpan.Zero) throw new ArgumentException("store-timeout must be positive");
        if (HomeIdleTimeout <= TimeSpan.Zero) throw new ArgumentException("home-idle-timeout must be positive");
        if (ShardCount < 1) throw new ArgumentException("shards must be at least 1");
        if (VirtualNodes < 1) throw new ArgumentException("virtual-nodes must be at least 1");
    }
}
