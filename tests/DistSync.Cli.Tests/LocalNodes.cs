using System.Net;
using Akka.Actor;
using System.Net.Sockets;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Cli.Tests;

/// <summary>Tests only: N in-process DistSync nodes on loopback founding one meta group, with temporary data directories.</summary>
internal sealed class LocalNodes : IAsyncDisposable
{
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "dsync-cli-tests", Guid.NewGuid().ToString("N"));

    public List<DistSyncNode> Nodes { get; } = [];

    /// <param name="extra">More settings inside every node's <c>dsync</c> block (HOCON), e.g. <c>security { ... }</c>.</param>
    public static async Task<LocalNodes> StartAsync(int size, string extra = "")
    {
        var nodes = new LocalNodes();
        var ports = FreePorts(size);
        var founders = string.Join(", ", ports.Select((p, j) => $"\"n{j + 1}@127.0.0.1:{p}\""));
        for (var i = 0; i < size; i++)
        {
            var seeds = string.Join(", ", ports.Where((_, j) => j != i).Select(p => $"\"127.0.0.1:{p}\""));
            var hocon = $$"""
                dsync {
                  node { id = "n{{i + 1}}", data-dir = "{{Path.Combine(nodes._dataRoot, $"n{i + 1}").Replace("\\", "/")}}" }
                  http { host = "127.0.0.1", port = 0 }
                  remote { host = "127.0.0.1", port = {{ports[i]}} }
                  cluster { seeds = [{{seeds}}], initial-members = [{{founders}}] }
                  {{extra}}
                }
                """;
            var config = new ConfigurationBuilder().AddHoconString(hocon).Build();
            nodes.Nodes.Add(await DistSyncNode.StartAsync(config,
                DistSyncLogging.CreateLogger($"n{i + 1}", LogFormat.Console, LogEventLevel.Warning, TextWriter.Null)));
        }
        return nodes;
    }

    public string Address(int index) => Nodes[index].HttpAddress.Authority;

    /// <summary>
    /// Waits until the cache's home directory has a shard region on every node. A key's home allocated while a region
    /// was still missing moves once it registers, and that move recalls every copy, so a spec that pins hit/miss
    /// states waits for this first.
    /// </summary>
    public async Task WaitForCacheHomesAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var region = Akka.Cluster.Sharding.ClusterSharding.Get(Nodes[0].System).ShardRegion(DistSync.Cache.Homes.CacheHomes.TypeName);
        while (DateTime.UtcNow < deadline)
        {
            var stats = await region.Ask<Akka.Cluster.Sharding.ClusterShardingStats>(
                new Akka.Cluster.Sharding.GetClusterShardingStats(TimeSpan.FromSeconds(3)), TimeSpan.FromSeconds(6));
            if (stats.Regions.Count == Nodes.Count) return;
            await Task.Delay(200);
        }
        throw new TimeoutException("the cache-home region did not register on every node within 60 s");
    }

    /// <summary>Waits (generously) until every node sees the same leader; returns its index.</summary>
    public async Task<int> WaitForLeaderAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var leaders = Nodes.Select(n => n.Meta.Status.Leader).ToArray();
            if (leaders[0] is not null && leaders.All(l => l == leaders[0])) return Nodes.FindIndex(n => n.Settings.NodeId == leaders[0]);
            await Task.Delay(100);
        }
        throw new TimeoutException("no leader seen by every node within 30 s");
    }

    /// <summary>
    /// Nodes on port 0 learn each other's real HTTP endpoint through the member directory's periodic exchange;
    /// waits until <paramref name="follower"/> names the leader's.
    /// </summary>
    public async Task WaitUntilFollowerKnowsLeaderHttpAsync(int follower, int leader)
    {
        using var client = new DistSync.Client.DistSyncClient(Address(follower));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            if ((await client.GetRaftStatusAsync()).LeaderHttp == Address(leader)) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"n{follower + 1} did not learn the leader's HTTP endpoint within 30 s");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var n in Nodes) await n.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (Directory.Exists(_dataRoot)) Directory.Delete(_dataRoot, recursive: true);
    }
}
