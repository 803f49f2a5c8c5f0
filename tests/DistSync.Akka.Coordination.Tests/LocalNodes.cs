using System.Net;
using System.Net.Sockets;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>Tests only: N in-process DistSync nodes on loopback founding one meta group, with temporary data directories.</summary>
internal sealed class LocalNodes : IAsyncDisposable
{
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "dsync-lease-tests", Guid.NewGuid().ToString("N"));

    public List<DistSyncNode> Nodes { get; } = [];

    public static async Task<LocalNodes> StartAsync(int size)
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
                }
                """;
            var config = new ConfigurationBuilder().AddHoconString(hocon).Build();
            nodes.Nodes.Add(await DistSyncNode.StartAsync(config,
                DistSyncLogging.CreateLogger($"n{i + 1}", LogFormat.Console, LogEventLevel.Warning, TextWriter.Null)));
        }
        return nodes;
    }

    /// <summary>The node's HTTP endpoint, <c>127.0.0.1:port</c>.</summary>
    public string Address(int index) => Nodes[index].HttpAddress.Authority;

    /// <summary>Waits (generously) until every running node sees the same leader; returns its index.</summary>
    public async Task<int> WaitForLeaderAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var leaders = Nodes.Select(n => n.Meta.Status.Leader).ToArray();
            if (leaders[0] is not null && leaders.All(l => l == leaders[0])) return Nodes.FindIndex(n => n.Settings.NodeId == leaders[0]);
            await Task.Delay(100);
        }
        throw new TimeoutException("no leader seen by every node within 60 s");
    }

    private static int[] FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        foreach (var l in listeners) l.Start();
        var ports = listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToArray();
        foreach (var l in listeners) l.Stop();
        return ports;
    }

    /// <summary>Stops every node (a node stopped already by a spec is skipped: StopAsync is idempotent).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var n in Nodes) await n.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
        if (Directory.Exists(_dataRoot)) Directory.Delete(_dataRoot, recursive: true);
    }
}
