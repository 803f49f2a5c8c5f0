using static DistSync.Cli.Tests.CliHarness;
using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary>The broadcast verbs against a real in-process node: they need the node's <c>/broadcast/*</c> routes (API.md Broadcast channels).</summary>
public class DsyncBroadcastNodeCliSpec
{
    [Fact]
    public async Task Publish_read_topics_and_subscribe_round_trip_through_the_cli()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        // 1. publish answers the topic's next seq; a repeat of the client pair answers the first
        var first = await Run("broadcast", "publish", "room", "hello", "--client-id", "cli-1", "--client-seq", "1", "--node", node);
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal("seq: 1\n", first.Out);
        Assert.Equal("seq: 2\n", (await Run("broadcast", "publish", "room", "two\nlines", "--node", node)).Out);
        Assert.Equal("seq: 1\n", (await Run("broadcast", "publish", "room", "hello", "--client-id", "cli-1", "--client-seq", "1", "--node", node)).Out);

        // 2. read prints both, one line each; --json the API's objects
        var read = await Run("broadcast", "read", "room", "--node", node);
        Assert.True(read.Code == 0, read.Err);
        Assert.Equal("[1] hello\n[2] two\\nlines\n", read.Out);
        var json = await Run("broadcast", "read", "room", "--from", "2", "--json", "--node", node);
        var message = JsonSerializer.Deserialize<BroadcastMessage>(json.Out, DistSyncJson.Options)!;
        Assert.Equal((2L, "two\nlines"), (message.Seq, message.Payload));
        Assert.True(message.Term > 0 && message.TimestampMs > 0);

        // 3. topics shows the range
        var topics = await Run("broadcast", "topics", "--json", "--node", node);
        Assert.Equal([new BroadcastTopicInfo("room", 1, 2, 0)], JsonSerializer.Deserialize<List<BroadcastTopicInfo>>(topics.Out, DistSyncJson.Options));

        // 4. subscribe from 2 prints the retained message, then a live one, until cancelled
        using var client = new DistSyncClient(node);
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var subscribe = BroadcastCommands.SubscribeAsync([client], new BroadcastCommands.SubscribeSettings("room", 2, false), output, TextWriter.Null, stop.Token);
        await output.WaitForAsync("[2] two\\nlines");
        Assert.Equal("seq: 3\n", (await Run("broadcast", "publish", "room", "live", "--node", node)).Out);
        await output.WaitForAsync("[3] live");
        var listed = await Run("broadcast", "topics", "--node", node);
        Assert.Equal(["room", "1", "3", "3", "1"], Assert.Single(listed.Out.Split('\n'), r => r.Contains("room", StringComparison.Ordinal)).Split(['│', '|', ' '], StringSplitOptions.RemoveEmptyEntries));
        await stop.CancelAsync();
        Assert.Equal(0, await subscribe);
        Assert.Equal("[2] two\\nlines\n[3] live\n", output.Text);
    }

    [Fact]
    public async Task Bad_input_the_node_refuses_is_a_usage_error_with_its_reason()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();

        var tooLong = await Run("broadcast", "publish", new string('t', 300), "x", "--node", nodes.Address(0));

        Assert.Equal(ExitCodes.Usage, tooLong.Code);
        Assert.Contains("'topic' is longer than", tooLong.Err);
    }
}
