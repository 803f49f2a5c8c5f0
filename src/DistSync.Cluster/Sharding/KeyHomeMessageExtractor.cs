using System.Globalization;
using Akka.Cluster.Sharding;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Sharding.Wire;

namespace DistSync.Cluster.Sharding;

/// <summary>
/// Entity id = the key; shard id = <see cref="StableHash"/> of the key modulo the shard count, as decimal. Stable
/// across processes, so every node (and <see cref="KeyHomes.HomeNodeOf"/>) agrees on a key's shard. Accepts the
/// key-home messages; <c>ShardingEnvelope</c> and <c>StartEntity</c> are unwrapped by Akka itself before an extractor
/// sees them (analyzer AK2001), so they are not matched here.
/// </summary>
public sealed class KeyHomeMessageExtractor : IMessageExtractor
{
    /// <summary>Shards per entity type: far more than nodes, so a member's share moves in small pieces.</summary>
    public const int DefaultShardCount = 1024;

    public KeyHomeMessageExtractor(int shardCount = DefaultShardCount)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        ShardCount = shardCount;
    }

    public int ShardCount { get; }

    /// <summary>The shard of <paramref name="key"/> with <paramref name="shardCount"/> shards.</summary>
    public static string ShardIdOf(string key, int shardCount = DefaultShardCount)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(shardCount, 1);
        return (StableHash.Of(key) % (ulong)shardCount).ToString(CultureInfo.InvariantCulture);
    }

    public string? EntityId(object message) => message switch
    {
        WhereIsHome m => m.Key,
        _ => null, // not ours: the region drops it as unhandled
    };

    public object? EntityMessage(object message) => message;

    public string? ShardId(object message) => EntityId(message) is { } key ? ShardIdOf(key, ShardCount) : null;

    public string ShardId(string entityId, object? messageHint = null) => ShardIdOf(entityId, ShardCount);
}
