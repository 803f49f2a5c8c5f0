using System.Text.Json;
using DistSync.TestKit;
using Serilog.Events;

namespace DistSync.Actors.Tests;

public sealed class LoggingSpec
{
    private sealed class ChattyActor : ReceiveActor
    {
        public ChattyActor()
        {
            Receive<string>(s =>
            {
                Log.Information("heard {Word}", s);
                Sender.Tell("logged");
            });
        }
    }

    [Fact]
    public async Task A_json_line_logged_inside_an_actor_carries_node_id_and_actor_path()
    {
        var output = new StringWriter();
        var logger = DistSyncLogging.CreateLogger("node-7", LogFormat.Json, LogEventLevel.Information, output);
        var system = ActorSystem.Create("logging", logger: logger);
        try
        {
            var actor = system.ActorOf(Props.Create(() => new ChattyActor()), "chatty");
            Assert.Equal("logged", await actor.Ask<string>("hello", TimeSpan.FromSeconds(30)));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines, l => l.Contains("heard", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        var properties = json.RootElement.GetProperty("Properties");
        Assert.Equal("node-7", properties.GetProperty("NodeId").GetString());
        Assert.Equal("dsync://logging/user/chatty", properties.GetProperty("ActorPath").GetString());
        Assert.Equal("hello", properties.GetProperty("Word").GetString());
        Assert.Equal("Information", json.RootElement.GetProperty("Level").GetString());
    }

    [Fact]
    public void A_console_line_shows_node_id()
    {
        var output = new StringWriter();
        var logger = DistSyncLogging.CreateLogger("node-3", LogFormat.Console, LogEventLevel.Information, output);
        logger.Information("plain {Value}", 5);
        Assert.Contains("node-3", output.ToString());
        Assert.Contains("plain 5", output.ToString());
    }

    [Fact]
    public void Unknown_formats_and_levels_are_rejected_clearly()
    {
        Assert.Equal(LogFormat.Json, DistSyncLogging.ParseFormat("JSON"));
        Assert.Equal(LogFormat.Console, DistSyncLogging.ParseFormat("text"));
        Assert.Contains("xml", Assert.Throws<FormatException>(() => DistSyncLogging.ParseFormat("xml")).Message);
        Assert.Equal(LogEventLevel.Warning, DistSyncLogging.ParseLevel("warn"));
        Assert.Contains("loud", Assert.Throws<FormatException>(() => DistSyncLogging.ParseLevel("loud")).Message);
    }

    [Fact]
    public async Task A_failing_actor_logs_the_failing_message_with_the_exception()
    {
        var output = new StringWriter();
        var logger = DistSyncLogging.CreateLogger("node-1", LogFormat.Json, LogEventLevel.Information, output);
        var system = ActorSystem.Create("failing", logger: logger);
        try
        {
            var probe = new TestProbe(system);
            var actor = system.ActorOf(Props.Create(() => new CounterActor(probe.Ref)), "failing");
            probe.ExpectMsg("started:failing");
            actor.Tell("fail");
            probe.ExpectMsg("stopped:failing");
            await probe.AwaitConditionAsync(() => output.ToString().Contains("fail requested", StringComparison.Ordinal));
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var line = output.ToString().Split('\n').First(l => l.Contains("fail requested", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(line);
        Assert.Equal("Error", json.RootElement.GetProperty("Level").GetString());
        Assert.Equal("String", json.RootElement.GetProperty("Properties").GetProperty("MessageType").GetString());
        Assert.Equal("fail", json.RootElement.GetProperty("Properties").GetProperty("Message").GetString());
        Assert.Contains("InvalidOperationException", json.RootElement.GetProperty("Exception").GetString());
    }
}
