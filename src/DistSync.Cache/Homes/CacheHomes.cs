using Akka.Actor;
using DistSync.Cluster.Sharding;

namespace DistSync.Cache.Homes;

/// <summary>Starts the cache-home shard region on a node: the same settings as the key-home region (ddata coordinator
/// store, no remember-entities, no idle passivation by the shard: a home passivates itself once it tracks nothing) and
/// the hash-ring allocation strategy, so a key's home is where the ring puts its shard.</summary>
public static class CacheHomes
{
    /// <summary>The entity type name (the region is <c>/system/sharding/cache-home</c>).</summary>
    public const string TypeName = "cache-home";

    public static async Task<IActorRef> StartAsync(ActorSystem system, ICacheStore store, CacheSettings settings, CacheStats stats)
    {
        ArgumentNullException.ThrowIfNull(system);
        IActorRef? region = null;
        region = await KeyHomes.StartRegionAsync(
            system,
            TypeName,
            key => CacheHomeActor.PropsFor(key, store, settings, stats, () => region!),
            new CacheHomeMessageExtractor(settings.ShardCount),
            CacheHomeHandOff.Instance,
            settings.VirtualNodes).ConfigureAwait(false);
        return region;
    }
}
