using System.Text.Json;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Tests;

/// <summary>Akka's own log events of an in-process node reach that node's Serilog logger, tagged with its NodeId (the
/// per-node logger factory; the executable uses Akka.Logger.Serilog over the static logger instead).</summary>
public class NodeLoggingSpec
{
    [Fact]
    public async Task Akka_events_of_a_node_are_written_by_its_own_logger()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));
        var output = new StringWriter();
        var logger = DistSyncLogging.CreateLogger("n7", LogFormat.Json, LogEventLevel.Information, output);
        var hocon = $$"""
            dsync {
              node { id = "n7", data-dir = "{{dataDir.Replace("\\", "/")}}" }
              http { host = "127.0.0.1", port = 0 }
              remote { host = "127.0.0.1", port = {{TestPorts.Free()}} }
            }
            """;
        var node = await DistSyncNode.StartAsync(new ConfigurationBuilder().AddHoconString(hocon).Build(), logger);
        try
        {
            var line = await Eventually.Until(() => Task.FromResult(AkkaLine(Text(output))), l => l is not null, TimeSpan.FromSeconds(60),
                "an Akka.Cluster log line");
            using var json = JsonDocument.Parse(line!);
            Assert.Equal("n7", json.RootElement.GetProperty("Properties").GetProperty("NodeId").GetString());
        }
        finally
        {
            await node.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static string? AkkaLine(string log) =>
        log.Split('\n').FirstOrDefault(l => l.Contains("Cluster Node", StringComparison.Ordinal) || l.Contains("Remoting started", StringComparison.Ordinal));

    // the sink writes under the writer's lock from Akka's logger thread: read under it too
    private static string Text(StringWriter output)
    {
        lock (output) return output.ToString();
    }
}
