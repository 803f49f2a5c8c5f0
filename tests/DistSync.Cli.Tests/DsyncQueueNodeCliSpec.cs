using static DistSync.Cli.Tests.CliHarness;
using System.Globalization;
using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary>
/// The queue verbs against a real in-process node: they need the node's <c>/queue/*</c> routes (API.md Queues).
/// A queue comes into being with its first produce.
/// </summary>
public class DsyncQueueNodeCliSpec
{
    private static string[] Fields(string line) => line.TrimEnd('\n').Split('\t');

    [Fact]
    public async Task Produce_list_stats_consume_and_ack_round_trip_through_the_cli()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        // 1. produce prints the id and partition; a retry with the same message id is deduped
        var produced = await Run("queue", "produce", "orders", "hello", "--key", "customer-7", "--priority", "5", "--message-id", "m-1", "--node", node);
        Assert.True(produced.Code == 0, produced.Err);
        Assert.Contains("message id: m-1\n", produced.Out);
        Assert.Contains("partition: ", produced.Out);
        Assert.Equal(produced.Out, (await Run("queue", "produce", "orders", "hello", "--key", "customer-7", "--message-id", "m-1", "--node", node)).Out);

        // 2. list and stats show one ready message
        var list = await Run("queue", "list", "--node", node);
        Assert.True(list.Code == 0, list.Err);
        Assert.Contains("orders", list.Out);
        var stats = await Run("queue", "stats", "orders", "--node", node);
        Assert.True(stats.Code == 0, stats.Err);
        Assert.Contains("queue orders:", stats.Out);
        foreach (var column in new[] { "partition", "leader", "replicas", "ready", "inflight", "dlq", "produced/s", "acked/s" }) Assert.Contains(column, stats.Out);
        Assert.Contains(nodes.Nodes[0].Settings.NodeId, stats.Out);

        // 3. consume prints one line: id, delivery count, key, payload, receipt
        var consumed = await Run("queue", "consume", "orders", "--visibility", "30s", "--node", node);
        Assert.True(consumed.Code == 0, consumed.Err);
        var fields = Fields(consumed.Out);
        Assert.Equal(["m-1", "1", "customer-7", "hello"], fields[..4]);
        var receipt = fields[4];
        Assert.NotEmpty(receipt);

        // 4. the message is leased: nothing else is ready
        var empty = await Run("queue", "consume", "orders", "--node", node);
        Assert.Equal(ExitCodes.NotFound, empty.Code);
        Assert.Equal("", empty.Out);
        Assert.Contains("no message ready in 'orders'", empty.Err);

        // 5. ack deletes it; a second ack names the receipt as unknown
        var acked = await Run("queue", "ack", "orders", receipt, "--node", node);
        Assert.Equal((0, "acked 1\n"), (acked.Code, acked.Out));
        var again = await Run("queue", "ack", "orders", receipt, "--node", node);
        Assert.Equal(ExitCodes.NotFound, again.Code);
        Assert.Equal("acked 0\n", again.Out);
        Assert.Contains($"unknown receipt {receipt}", again.Err);
    }

    [Fact]
    public async Task Nack_returns_a_message_that_json_and_ack_consumes_print_and_delete()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        var produced = await Run("queue", "produce", "jobs", "a\tb", "--node", node);
        Assert.True(produced.Code == 0, produced.Err);

        // 1. --json prints the API's object
        var first = await Run("queue", "consume", "jobs", "--json", "--node", node);
        Assert.True(first.Code == 0, first.Err);
        var message = JsonSerializer.Deserialize<ConsumedMessage>(first.Out.Trim(), DistSyncJson.Options)!;
        Assert.Equal(("a\tb", 1), (message.Payload, message.DeliveryCount));

        // 2. nack returns it at once
        var nacked = await Run("queue", "nack", "jobs", message.Receipt, "--delay", "0ms", "--node", node);
        Assert.Equal((0, "nacked 1, dead-lettered 0\n"), (nacked.Code, nacked.Out));

        // 3. the second delivery is printed (payload escaped) and acked by --ack; the queue is then empty
        var second = await Run("queue", "consume", "jobs", "--ack", "--wait", "5s", "--node", node);
        Assert.True(second.Code == 0, second.Err);
        Assert.Equal([message.MessageId, "2", "-", "a\\tb"], Fields(second.Out)[..4]);
        using var client = new DistSyncClient(node);
        var partitions = (await client.GetQueueStatsAsync("jobs")).Partitions;
        Assert.Equal((0L, 0L), (partitions.Sum(p => p.Ready), partitions.Sum(p => p.Inflight)));
    }

    [Fact]
    public async Task Follow_with_ack_prints_every_message_produced_meanwhile_until_cancelled()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        // Read only once the follow has ended: StringWriter is not thread-safe.
        var output = new StringWriter();
        var error = new StringWriter();
        using var stop = new CancellationTokenSource();

        // 1. follow the queue (long polls of 1 s) after its first message
        await client.ProduceAsync("events", "e-0", messageId: "e-0");
        var follow = QueueCommands.ConsumeAsync(client,
            new QueueCommands.ConsumeSettings("events", 10, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(1), null, Follow: true, Ack: true, Json: false),
            output, error, stop.Token);

        // 2. messages produced while it runs are consumed and acked: nothing stays ready or in flight
        for (var i = 1; i <= 3; i++) await client.ProduceAsync("events", $"e-{i}", messageId: $"e-{i}");
        await Until(async () => (await client.GetQueueStatsAsync("events")).Partitions, ps => ps.Sum(p => p.Ready + p.Inflight) == 0);

        // 3. cancelling ends it with exit code 0; it printed each message once
        stop.Cancel();
        Assert.Equal(0, await follow.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(error.ToString().Length == 0, error.ToString());
        Assert.Equal(["e-0", "e-1", "e-2", "e-3"], Lines(output).Select(l => Fields(l)[3]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_produce_fenced_with_an_older_grant_is_refused_as_stale_fence()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);

        // 1. two successive grants of the lock 'writer'
        var first = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));
        var older = (await client.AcquireAsync("writer", first.SessionId)).FencingToken;
        Assert.True(await client.ReleaseAsync("writer", first.SessionId));
        var second = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));
        var newer = (await client.AcquireAsync("writer", second.SessionId)).FencingToken;
        Assert.True(newer > older);

        // 2. the newer holder produces; then the older token is stale (same key: same partition)
        string[] Fenced(long token) =>
            ["queue", "produce", "ledger", $"by {token}", "--key", "k", "--fence-resource", "writer", "--fence-token", token.ToString(CultureInfo.InvariantCulture), "--node", node];
        var accepted = await Run(Fenced(newer));
        Assert.True(accepted.Code == 0, accepted.Err);
        var refused = await Run(Fenced(older));
        Assert.Equal(ExitCodes.Conflict, refused.Code);
        Assert.Contains("stale-fence", refused.Err);
        Assert.Equal("", refused.Out);
    }

    [Fact]
    public async Task Stats_of_an_unknown_queue_is_an_error_naming_it()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();

        var (code, output, err) = await Run("queue", "stats", "nope", "--node", nodes.Address(0));

        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: queue 'nope'", err);
    }

    private static string[] Lines(StringWriter output) => output.ToString().Replace("\r", "").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 30 s");
            await Task.Delay(100);
        }
    }
}
