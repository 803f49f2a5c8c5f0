using DistSync.Actors;
using DistSync.Actors.Remote.Faults;
using DistSync.Client;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Tests;

/// <summary>
/// Three (or N) DistSync nodes in this test process over real loopback TCP, sharing one fault injector.
/// Heartbeats are fast (200 ms) so reachability changes show within a few seconds.
/// </summary>
internal sealed class InProcessCluster : IAsyncDisposable
{
    private readonly string _dataRoot = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));

    public FaultInjector Faults { get; } = new(seed: 7);
    public List<DistSyncNode> Nodes { get; } = [];
    public List<DistSyncClient> Clients { get; } = [];
    public int[] RemotePorts { get; private set; } = [];

    public static async Task<InProcessCluster> StartAsync(int size, bool faultRoutes = false)
    {
        var cluster = new InProcessCluster();
        cluster.RemotePorts = TestPorts.Free(size);
        for (var i = 0; i < size; i++)
        {
            var node = await DistSyncNode.StartAsync(cluster.ConfigFor(i, faultRoutes),
                DistSyncLogging.CreateLogger($"n{i + 1}", LogFormat.Console, LogEventLevel.Warning, TextWriter.Null),
                new NodeStartOptions { Faults = cluster.Faults });
            cluster.Nodes.Add(node);
            cluster.Clients.Add(new DistSyncClient(node.HttpAddress.ToString(), TimeSpan.FromSeconds(10)));
        }
        return cluster;
    }

    private IConfiguration ConfigFor(int index, bool faultRoutes)
    {
        var seeds = string.Join(", ", RemotePorts.Where((_, j) => j != index).Select(p => $"\"127.0.0.1:{p}\""));
        var hocon = $$"""
            dsync {
              node { id = "n{{index + 1}}", data-dir = "{{Path.Combine(_dataRoot, $"n{index + 1}").Replace("\\", "/")}}" }
              http { host = "127.0.0.1", port = 0 }
              remote { host = "127.0.0.1", port = {{RemotePorts[index]}} }
              cluster.seeds = [{{seeds}}]
              failure-detector { heartbeat-interval = 200ms, acceptable-heartbeat-pause = 1s, min-std-deviation = 100ms, threshold = 8 }
              testing.fault-injection = {{(faultRoutes ? "on" : "off")}}
            }
            """;
        return new ConfigurationBuilder().AddHoconString(hocon).Build();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var c in Clients) c.Dispose();
        foreach (var n in Nodes) await n.StopAsync();
        try
        {
            Directory.Delete(_dataRoot, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
