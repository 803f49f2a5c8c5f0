using System.Text.RegularExpressions;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Tests.Metrics;

/// <summary>Raft events reach the node's log at INFO with their group and term.</summary>
public class RaftEventLogSpec
{
    [Fact]
    public async Task A_node_that_elects_itself_logs_leader_elected_with_group_term_and_reason()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));
        var output = new StringWriter();
        var writer = TextWriter.Synchronized(output); // Akka's and the host's threads write at once
        var logger = DistSyncLogging.CreateLogger("n8", LogFormat.Console, LogEventLevel.Information, writer);
        var hocon = $$"""
            dsync {
              node { id = "n8", data-dir = "{{dataDir.Replace("\\", "/")}}" }
              http { host = "127.0.0.1", port = 0 }
              remote { host = "127.0.0.1", port = {{TestPorts.Free()}} }
            }
            """;
        var node = await DistSyncNode.StartAsync(new ConfigurationBuilder().AddHoconString(hocon).Build(), logger);
        try
        {
            var pattern = new Regex(@"Raft group 0: leader elected: n8 in term (\d+) \((election timeout|election timeout, pre-vote won|leader transfer)\)");
            var line = await Eventually.Until(() => Task.FromResult(Lines(writer, output).FirstOrDefault(l => pattern.IsMatch(l))), l => l is not null,
                TimeSpan.FromSeconds(60), "a 'leader elected' line");
            Assert.Contains("INF", line!, StringComparison.Ordinal);
            Assert.True(long.Parse(pattern.Match(line!).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 1);
            // the founding configuration, applied, is logged as members joining
            await Eventually.Until(() => Task.FromResult(Lines(writer, output).Any(l => l.Contains("Raft group 0: member joined: n8 as a voter", StringComparison.Ordinal))),
                found => found, TimeSpan.FromSeconds(60), "a 'member joined' line");
        }
        finally
        {
            await node.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
            Directory.Delete(dataDir, recursive: true);
        }
    }

    // The synchronized writer locks itself around each write: read under the same lock.
    private static string[] Lines(TextWriter writer, StringWriter output)
    {
        lock (writer) return output.ToString().Split('\n');
    }
}
