using Akka.Actor;
using DistSync.Client;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Tests;

/// <summary>
/// Three (or N) DistSync nodes in this test process over real Akka.Remote on loopback, every one with the throttler
/// adapters so <see cref="Faults"/> can partition them, and one shared Raft link seam for delays and seeded drops.
/// Heartbeats are fast (200 ms) so reachability changes show within a few seconds. All nodes found the meta Raft
/// group together (dsync.cluster.initial-members); each keeps its SQLite journal under a temporary data directory.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));

    /// <summary>Short coordinated-shutdown phases: a node stopped while others are cut off does not wait out Akka's
    /// default leave timeouts.</summary>
    private const string AkkaOverrides =
        "akka.coordinated-shutdown.default-phase-timeout = 2s\nakka.coordinated-shutdown.phases.cluster-exiting.timeout = 2s\n"
        // The founders start one after another: the first one's associations to a peer whose remoting is not up yet
        // wait out the connection timeout before the next try (measured: leader after 17.5 s with 15 s, 4.7 s with 2 s),
        // and the seeds need not wait 5 s for each other.
        + "akka.remote.dot-netty.tcp.connection-timeout = 2s\nakka.cluster.seed-node-timeout = 1s\nakka.cluster.retry-unsuccessful-join-after = 1s";

    public InProcessCluster() => Faults = new InProcessFaults(() => Nodes);

    public InProcessFaults Faults { get; }
    public List<DistSyncNode> Nodes { get; } = [];
    public List<DistSyncClient> Clients { get; } = [];
    public int[] RemotePorts { get; private set; } = [];

    /// <summary>dsync.http.request-timeout of every node: how long a request waits for a quorum before 503.</summary>
    public TimeSpan RequestTimeout { get; private init; } = TimeSpan.FromSeconds(5);

    private string Extra { get; init; } = "";

    private Func<int, string>? ExtraFor { get; init; }

    /// <summary>Where every node's data directory lives (n1, n2, ... under it).</summary>
    public string DataRoot => _dataRoot;

    /// <param name="founders">Size of the founding member list (default: <paramref name="size"/>); more than
    /// <paramref name="size"/> leaves founders that never start.</param>
    /// <param name="extra">More settings inside the <c>dsync</c> block of every node (HOCON), e.g. <c>broadcast.max-messages = 5</c>.</param>
    /// <param name="extraFor">More settings for node i (0-based) only, e.g. its own certificate files.</param>
    public static async Task<InProcessCluster> StartAsync(int size, bool faultRoutes = false, TimeSpan? requestTimeout = null, int? founders = null,
        string? extra = null, Func<int, string>? extraFor = null)
    {
        var cluster = new InProcessCluster { RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5), Extra = extra ?? "", ExtraFor = extraFor };
        cluster.RemotePorts = TestPorts.Free(Math.Max(size, founders ?? size));
        for (var i = 0; i < size; i++)
        {
            var node = await DistSyncNode.StartAsync(cluster.ConfigFor(i, faultRoutes),
                DistSyncLogging.CreateLogger($"n{i + 1}", LogFormat.Console, LogEventLevel.Warning, TextWriter.Null),
                cluster.StartOptions());
            cluster.Nodes.Add(node);
            cluster.Clients.Add(new DistSyncClient(node.HttpAddress.ToString(), TimeSpan.FromSeconds(10)));
        }
        return cluster;
    }

    /// <summary>
    /// Starts one more node that is not a founder: it has the running nodes as seeds and no initial members, so it
    /// asks them to add it to the meta group.
    /// </summary>
    public async Task<DistSyncNode> AddJoiningNodeAsync()
    {
        var index = Nodes.Count;
        var port = TestPorts.Free();
        var seeds = string.Join(", ", RemotePorts.Take(Nodes.Count).Select(p => $"\"127.0.0.1:{p}\""));
        RemotePorts = [.. RemotePorts.Take(Nodes.Count), port];
        var hocon = $$"""
            dsync {
              node { id = "n{{index + 1}}", data-dir = "{{Path.Combine(_dataRoot, $"n{index + 1}").Replace("\\", "/")}}" }
              http { host = "127.0.0.1", port = 0 }
              remote { host = "127.0.0.1", port = {{port}} }
              cluster.seeds = [{{seeds}}]
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s, min-std-deviation = 100ms, threshold = 8 }
            }
            """;
        var node = await DistSyncNode.StartAsync(new ConfigurationBuilder().AddHoconString(hocon).Build(),
            DistSyncLogging.CreateLogger($"n{index + 1}", LogFormat.Console, LogEventLevel.Warning, TextWriter.Null),
            StartOptions());
        Nodes.Add(node);
        Clients.Add(new DistSyncClient(node.HttpAddress.ToString(), TimeSpan.FromSeconds(10)));
        return node;
    }

    private NodeStartOptions StartOptions() => new() { FaultAdapters = true, LinkFaults = Faults.Links, AkkaOverrides = AkkaOverrides };

    private IConfiguration ConfigFor(int index, bool faultRoutes)
    {
        var seeds = string.Join(", ", RemotePorts.Where((_, j) => j != index).Select(p => $"\"127.0.0.1:{p}\""));
        var founders = string.Join(", ", RemotePorts.Select((p, j) => $"\"n{j + 1}@127.0.0.1:{p}\""));
        var hocon = $$"""
            dsync {
              node { id = "n{{index + 1}}", data-dir = "{{Path.Combine(_dataRoot, $"n{index + 1}").Replace("\\", "/")}}" }
              http { host = "127.0.0.1", port = 0 }
              remote { host = "127.0.0.1", port = {{RemotePorts[index]}} }
              cluster.seeds = [{{seeds}}]
              cluster.initial-members = [{{founders}}]
              http.request-timeout = {{(long)RequestTimeout.TotalMilliseconds}}ms
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s, min-std-deviation = 100ms, threshold = 8 }
              testing.fault-injection = {{(faultRoutes ? "on" : "off")}}
              {{Extra}}
              {{ExtraFor?.Invoke(index) ?? ""}}
            }
            """;
        return new ConfigurationBuilder().AddHoconString(hocon).Build();
    }

    /// <summary>Waits until every node sees the same leader of the meta group; returns its index in <see cref="Nodes"/>.</summary>
    public async Task<int> WaitForLeaderAsync(TimeSpan timeout)
    {
        var leader = await Eventually.Until(
            () => Task.FromResult(Nodes.Select(n => n.Meta.Status.Leader).ToArray()),
            leaders => leaders[0] is not null && leaders.All(l => l == leaders[0]),
            timeout, "one leader seen by every node");
        return Nodes.FindIndex(n => n.Settings.NodeId == leader[0]);
    }

    /// <summary>
    /// Waits until the cache's home directory has a shard region on every node: a home allocated while a region was
    /// missing moves once it registers, recalling every copy, so specs that pin hit/miss states wait for this first.
    /// </summary>
    public async Task WaitForCacheHomesAsync(TimeSpan timeout)
    {
        var region = Akka.Cluster.Sharding.ClusterSharding.Get(Nodes[0].System).ShardRegion(DistSync.Cache.Homes.CacheHomes.TypeName);
        await Eventually.Until(
            () => region.Ask<Akka.Cluster.Sharding.ClusterShardingStats>(
                new Akka.Cluster.Sharding.GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(6)),
            stats => stats.Regions.Count == Nodes.Count,
            timeout, "a cache-home region on every node");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Clients) c.Dispose();
        foreach (var n in Nodes) await n.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
