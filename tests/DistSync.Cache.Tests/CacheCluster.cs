using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Configuration;
using DistSync.Cache.Homes;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Sharding;

namespace DistSync.Cache.Tests;

/// <summary>
/// Real in-process cluster nodes for the cache specs: an ActorSystem per node over Akka.Remote on 127.0.0.1 (free
/// ports), provider = cluster, NoDowning (a spec downs a crashed node itself, as Raft would), the node id as its
/// <c>dsync-node:</c> role, the cache wire ids on DistSync's serializer, and a cache on every node. The nodes share one
/// <see cref="InMemoryCacheStore"/>, standing in for the replicated KV (its own guarantees are Raft's specs).
/// </summary>
public sealed class CacheCluster : IAsyncDisposable
{
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);
    private readonly List<CacheClusterNode> nodes = [];
    private Address? seed;

    private CacheCluster(CacheSettings settings)
    {
        Settings = settings;
    }

    public CacheSettings Settings { get; }
    public InMemoryCacheStore Store { get; } = new();
    public IReadOnlyList<CacheClusterNode> Nodes => nodes;
    public CacheClusterNode this[int index] => nodes[index];

    /// <summary>Coherence messages sent by every node so far.</summary>
    public long MessagesSent => nodes.Sum(n => n.Stats.MessagesSent);

    public static async Task<CacheCluster> StartAsync(int count, CacheSettings? settings = null)
    {
        var cluster = new CacheCluster(settings ?? new CacheSettings());
        for (var i = 1; i <= count; i++) await cluster.AddNodeAsync("n" + i);
        return cluster;
    }

    /// <summary>Starts a node, joins it, waits until every live node sees every other Up and the coordinator has all
    /// regions, then starts its cache.</summary>
    public async Task<CacheClusterNode> AddNodeAsync(string nodeId)
    {
        var system = StartSystem(nodeId);
        var akkaCluster = Akka.Cluster.Cluster.Get(system);
        seed ??= akkaCluster.SelfAddress;
        akkaCluster.Join(seed);
        var cache = await CacheNode.StartAsync(system, Store, Settings);
        var node = new CacheClusterNode(nodeId, system, cache);
        nodes.Add(node);
        await AwaitUntil(() => nodes.All(n => Up(n).SetEquals(nodes.Select(m => m.Address))), "every node sees every other Up");
        await AwaitUntil(async () =>
        {
            var region = ClusterSharding.Get(nodes[0].System).ShardRegion(CacheHomes.TypeName);
            var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(6));
            return stats.Regions.Count == nodes.Count;
        }, "every cache-home region registered");
        return node;
    }

    /// <summary>The node the ring gives <paramref name="key"/>'s home to (where the home runs once allocated).</summary>
    public CacheClusterNode HomeOf(string key)
    {
        var ring = HashRing.Create(nodes.Select(n => n.NodeId), Settings.VirtualNodes);
        var id = KeyHomes.HomeNodeOf(ring, key, Settings.ShardCount);
        return nodes.Single(n => n.NodeId == id);
    }

    /// <summary>A key whose home the ring puts on <paramref name="home"/>, distinct per <paramref name="tag"/>.</summary>
    public string KeyHomedOn(CacheClusterNode home, string tag)
    {
        for (var i = 0; ; i++)
        {
            var key = $"{tag}-{i}";
            if (HomeOf(key) == home) return key;
        }
    }

    /// <summary>A key the ring of <paramref name="nodeIds"/> (possibly not all started yet) homes on <paramref name="homeId"/>.</summary>
    public string KeyHomedOnRing(IEnumerable<string> nodeIds, string homeId, string tag)
    {
        var ring = HashRing.Create(nodeIds, Settings.VirtualNodes);
        for (var i = 0; ; i++)
        {
            var key = $"{tag}-{i}";
            if (KeyHomes.HomeNodeOf(ring, key, Settings.ShardCount) == homeId) return key;
        }
    }

    /// <summary>Stops a node abruptly, without leaving (the others see it unreachable, as after kill -9), and removes it
    /// from this cluster's list. With <paramref name="down"/> a survivor downs it, as Raft's removal would.</summary>
    public async Task CrashAsync(CacheClusterNode node, bool down)
    {
        nodes.Remove(node);
        await node.System.Terminate();
        if (down) Akka.Cluster.Cluster.Get(nodes[0].System).Down(node.Address);
    }

    public static async Task AwaitUntil(Func<bool> condition, string what) => await AwaitUntil(() => Task.FromResult(condition()), what);

    public static async Task AwaitUntil(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Converge;
        while (true)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is AskTimeoutException or TaskCanceledException)
            {
                // not there yet
            }
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within {Converge}: {what}");
            await Task.Delay(50);
        }
    }

    private static HashSet<Address> Up(CacheClusterNode node) =>
        Akka.Cluster.Cluster.Get(node.System).State.Members.Where(m => m.Status == MemberStatus.Up).Select(m => m.Address).ToHashSet();

    private static ActorSystem StartSystem(string nodeId)
    {
        var registry = new MessageTypeRegistry();
        CacheMessageIds.Register(registry);
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              coordinated-shutdown.run-by-actor-system-terminate = off
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
              cluster {
                roles = ["{{NodeIdentity.RoleFor(nodeId)}}"]
                downing-provider-class = "Akka.Cluster.NoDowning, Akka.Cluster"
                sharding.rebalance-interval = 1s
                failure-detector { heartbeat-interval = 250ms, acceptable-heartbeat-pause = 2s, threshold = 8 }
              }
            }
            """)
            .WithFallback(ConfigurationFactory.ParseString(WireSerialization.Config(registry)))
            .WithFallback(KeyHomes.Config);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), new WireRegistrySetup(registry));
        return ActorSystem.Create("dsync", setup);
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(nodes.Select(n => n.System.Terminate()));
        nodes.Clear();
    }
}
