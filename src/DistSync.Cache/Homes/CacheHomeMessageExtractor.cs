using Akka.Cluster.Sharding;
using DistSync.Cache.Wire;
using DistSync.Cluster.Sharding;

namespace DistSync.Cache.Homes;

/// <summary>Entity id = the cache key; shard id = the key's stable hash modulo the shard count (the same function as the
/// key-home entity, so <see cref="KeyHomes.HomeNodeOf"/> says where a key's cache home lives).</summary>
public sealed class CacheHomeMessageExtractor : IMessageExtractor
{
    public CacheHomeMessageExtractor(int shardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ShardCount = shardCount;
    }

    public int ShardCount { get; }

    /// <summary>The key a home-bound message is for, or null when it is not one.</summary>
    public static string? KeyOf(object message) => message switch
    {
        HomeRead m => m.Key,
        HomeWrite m => m.Key,
        HomeUpgraded m => m.Key,
        HomeDropped m => m.Key,
        HomeInvalidate m => m.Key,
        _ => null,
    };

    public string? EntityId(object message) => KeyOf(message);

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => KeyOf(message) is { } key ? KeyHomeMessageExtractor.ShardIdOf(key, ShardCount) : null;

    public string ShardId(string entityId, object? messageHint = null) => KeyHomeMessageExtractor.ShardIdOf(entityId, ShardCount);
}
