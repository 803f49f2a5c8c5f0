using System.Text.Json;
using Akka.Actor;
using Akka.Event;
using DistSync.Cluster.Hosting;
using DistSync.Cluster.Logging;
using Serilog.Events;

namespace DistSync.Cluster.Tests.Logging;

public sealed class LoggingSpec
{
    [Fact]
    public async Task Each_in_process_system_logs_through_its_own_serilog_logger_with_its_node_id()
    {
        var outputs = new Dictionary<string, StringWriter>();
        var systems = new List<ActorSystem>();
        try
        {
            foreach (var id in new[] { "n1", "n2" })
            {
                var output = new StringWriter();
                outputs[id] = output;
                var logger = DistSyncLogging.CreateLogger(id, LogFormat.Json, LogEventLevel.Information, output);
                var settings = TestNodes.Settings(id, faults: false) with { Logger = AkkaLoggerKind.PerSystem, LogLevel = "INFO" };
                var system = TestNodes.Start(settings, AkkaLogging.Setup(logger));
                systems.Add(system);
                system.Log.Info("hello from " + id);
            }

            foreach (var (id, output) in outputs)
            {
                var other = id == "n1" ? "n2" : "n1";
                await AwaitLine(output, "hello from " + id);
                var line = Text(output).Split('\n').First(l => l.Contains("hello from " + id, StringComparison.Ordinal));
                using var json = JsonDocument.Parse(line);
                Assert.Equal(id, json.RootElement.GetProperty("Properties").GetProperty("NodeId").GetString());
                Assert.DoesNotContain("hello from " + other, Text(output), StringComparison.Ordinal);
            }
        }
        finally
        {
            await TestNodes.TerminateAll(systems);
        }
    }

    [Fact]
    public void A_console_line_shows_node_id()
    {
        var output = new StringWriter();
        var logger = DistSyncLogging.CreateLogger("node-3", LogFormat.Console, LogEventLevel.Information, output);
        logger.Information("plain {Value}", 5);
        Assert.Contains("node-3", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("plain 5", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_formats_and_levels_are_rejected_clearly()
    {
        Assert.Equal(LogFormat.Json, DistSyncLogging.ParseFormat("JSON"));
        Assert.Equal(LogFormat.Console, DistSyncLogging.ParseFormat("text"));
        Assert.Contains("xml", Assert.Throws<FormatException>(() => DistSyncLogging.ParseFormat("xml")).Message, StringComparison.Ordinal);
        Assert.Equal(LogEventLevel.Warning, DistSyncLogging.ParseLevel("warn"));
        Assert.Contains("loud", Assert.Throws<FormatException>(() => DistSyncLogging.ParseLevel("loud")).Message, StringComparison.Ordinal);
    }

    private static async Task AwaitLine(StringWriter output, string text)
    {
        // Akka's loggers run asynchronously; wait (generously) for the line rather than for a fixed time.
        var deadline = DateTime.UtcNow + TestNodes.Generous;
        while (!Text(output).Contains(text, StringComparison.Ordinal))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no log line with '{text}' in: {Text(output)}");
            await Task.Delay(50);
        }
    }

    // The sink writes under the writer's own lock from Akka's logger thread; reading a StringWriter while it grows can
    // throw (a CI run failed with StringBuilder's 'chunkLength' out of range), so read under the same lock.
    private static string Text(StringWriter output)
    {
        lock (output) return output.ToString();
    }
}
