using System.Collections.Concurrent;
using Akka.Actor;
using DistSync.Cache.Homes;
using DistSync.Cache.Lines;

namespace DistSync.Cache;

/// <summary>Starts a node's cache: the cache-home region (every node runs one) and the node cache at <c>/user/cache</c>.
/// The actor system must have the cluster provider, <c>KeyHomes.Config</c> and the cache wire ids registered.</summary>
public static class CacheNode
{
    public static async Task<CacheFront> StartAsync(ActorSystem system, ICacheStore store, CacheSettings settings, CacheStats? stats = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        stats ??= new CacheStats();
        var homes = await CacheHomes.StartAsync(system, store, settings, stats).ConfigureAwait(false);
        var views = new ConcurrentDictionary<string, CacheLineView>(StringComparer.Ordinal);
        var nodeCache = system.ActorOf(NodeCache.PropsFor(views, homes, store, settings, stats), NodeCache.Name);
        return new CacheFront(views, nodeCache, homes, settings, stats);
    }
}
