using System.Text.RegularExpressions;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.Node.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Tests.Metrics;

/// <summary>Raft events reach the node's log at INFO with their group, term and reason: a self-election, and a leader
/// transfer as the new and the old leader tell it.</summary>
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

    [Fact]
    public async Task A_leader_transfer_is_logged_as_such_by_the_old_and_the_new_leader()
    {
        // 1. three founding nodes, each with its own log
        var root = Path.Combine(Path.GetTempPath(), "dsync-tests", Guid.NewGuid().ToString("N"));
        var ports = TestPorts.Free(3);
        var outputs = Enumerable.Range(0, 3).Select(_ => new StringWriter()).ToArray();
        var writers = outputs.Select(TextWriter.Synchronized).ToArray();
        var founders = string.Join(", ", ports.Select((p, j) => $"\"n{j + 1}@127.0.0.1:{p}\""));
        var nodes = new List<DistSyncNode>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var seeds = string.Join(", ", ports.Where((_, j) => j != i).Select(p => $"\"127.0.0.1:{p}\""));
                var hocon = $$"""
                    dsync {
                      node { id = "n{{i + 1}}", data-dir = "{{Path.Combine(root, $"n{i + 1}").Replace("\\", "/")}}" }
                      http { host = "127.0.0.1", port = 0 }
                      remote { host = "127.0.0.1", port = {{ports[i]}} }
                      cluster.seeds = [{{seeds}}]
                      cluster.initial-members = [{{founders}}]
                    }
                    """;
                nodes.Add(await DistSyncNode.StartAsync(new ConfigurationBuilder().AddHoconString(hocon).Build(),
                    DistSyncLogging.CreateLogger($"n{i + 1}", LogFormat.Console, LogEventLevel.Information, writers[i])));
            }
            var leaderId = await Eventually.Until(() => Task.FromResult(nodes.Select(n => n.Meta.Status.Leader).ToArray()),
                l => l[0] is not null && l.All(x => x == l[0]), TimeSpan.FromSeconds(60), "one leader seen by all");
            var oldLeader = nodes.FindIndex(n => n.Settings.NodeId == leaderId[0]);
            var target = (oldLeader + 1) % 3;
            var targetId = $"n{target + 1}";

            // 2. the leader hands over to another node
            using var client = new DistSync.Client.DistSyncClient(nodes[oldLeader].HttpAddress.ToString(), TimeSpan.FromSeconds(10));
            await client.TransferLeaderAsync(targetId);

            // 3. the new leader says why it was elected, the old one why it stepped down
            var elected = new Regex($@"Raft group 0: leader elected: {targetId} in term \d+ \(leader transfer\)");
            await Eventually.Until(() => Task.FromResult(Lines(writers[target], outputs[target]).Any(elected.IsMatch)), found => found,
                TimeSpan.FromSeconds(60), "'leader elected ... (leader transfer)' on the new leader");
            var stepped = new Regex($@"Raft group 0: n{oldLeader + 1} stepped down as leader of term \d+ \(now term \d+\): leadership transferred to {targetId}");
            await Eventually.Until(() => Task.FromResult(Lines(writers[oldLeader], outputs[oldLeader]).Any(stepped.IsMatch)), found => found,
                TimeSpan.FromSeconds(60), "'stepped down ... leadership transferred' on the old leader");
        }
        finally
        {
            foreach (var n in nodes) await n.StopAsync().WaitAsync(TimeSpan.FromSeconds(60));
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    // The synchronized writer locks itself around each write: read under the same lock.
    private static string[] Lines(TextWriter writer, StringWriter output)
    {
        lock (writer) return output.ToString().Split('\n');
    }
}
