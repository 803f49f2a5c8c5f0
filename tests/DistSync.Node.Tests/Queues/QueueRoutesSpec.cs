using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Queues;

/// <summary>The Queues routes of API.md on three in-process nodes (8 partitions, each a Raft group of 3 replicas).</summary>
public class QueueRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Produced_messages_are_consumed_through_any_node_in_key_order_acked_once_and_counted_in_stats()
    {
        // 1. three nodes; the first produce creates the queue with its 8 partitions
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new QueueHttp(cluster.Nodes[0].HttpAddress);
        using var b = new QueueHttp(cluster.Nodes[1].HttpAddress);
        using var c = new QueueHttp(cluster.Nodes[2].HttpAddress);
        var produced = new List<ProduceResponse>();
        for (int i = 0; i < 30; i++) produced.Add(await (i % 2 == 0 ? a : b).ProduceAsync("orders", $"m{i}", key: "k" + (i % 3)));
        Assert.Equal(30, produced.Select(p => p.MessageId).Distinct().Count());
        // one key, one partition
        for (int k = 0; k < 3; k++) Assert.Single(produced.Where((_, i) => i % 3 == k).Select(p => p.Partition).Distinct());

        // 2. the stats show 8 partitions, each with a leader and 3 replicas, 30 ready in all
        var (status, stats) = await c.StatsAsync("orders");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(8, stats!.Partitions.Count);
        Assert.All(stats.Partitions, p => Assert.Equal(3, p.Replicas.Count));
        await Eventually.Until(() => c.StatsAsync("orders"), s => s.Body!.Partitions.Sum(p => p.Ready) == 30 && s.Body.Partitions.All(p => p.Leader is not null), Patience, "30 ready");

        // 3. consuming through a third node gets all 30, per key in produce order
        var got = new List<ConsumedMessage>();
        while (got.Count < 30)
        {
            var batch = await c.ConsumeAsync("orders", max: 7, waitMs: 2_000);
            Assert.NotEmpty(batch);
            got.AddRange(batch);
        }
        Assert.Equal(30, got.Select(m => m.MessageId).Distinct().Count());
        for (int k = 0; k < 3; k++)
        {
            var order = got.Where(m => m.Key == "k" + k).Select(m => int.Parse(m.Payload[1..])).ToList();
            Assert.Equal(order.OrderBy(x => x), order);
        }
        Assert.All(got, m => Assert.Equal(1, m.DeliveryCount));
        Assert.Empty(await a.ConsumeAsync("orders", max: 10));

        // 4. ack all; a second ack of the same receipts reports them unknown; nothing is delivered again
        var ack = await a.AckAsync("orders", got.Select(m => m.Receipt));
        Assert.Equal(30, ack.Acked);
        Assert.Empty(ack.Unknown);
        var again = await b.AckAsync("orders", got.Take(2).Select(m => m.Receipt).Append("not-a-receipt"));
        Assert.Equal(0, again.Acked);
        Assert.Equal(3, again.Unknown.Count);
        Assert.Empty(await b.ConsumeAsync("orders", max: 10, visibilityMs: 100));
        var list = await a.ListAsync();
        Assert.Contains(list, q => q.Queue == "orders" && q.Partitions == 8);
        Assert.Contains(list, q => q.Queue == "orders.dlq");

        // 5. /metrics counts what this node answered and shows its replicas' gauges per partition
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        var metrics = await Eventually.Until(() => http.GetStringAsync("metrics"), m => m.Contains("dsync_queues_ready{"), Patience, "queue gauges on /metrics");
        Assert.Matches("dsync_queues_produced_total\\{[^}]*queue=\"orders\"[^}]*\\} 15", metrics);
        Assert.Contains("dsync_queues_acked_total{", metrics);
    }

    [Fact]
    public async Task The_first_produce_to_a_new_queue_succeeds_though_its_partition_groups_take_longer_than_one_call_timeout_to_elect()
    {
        // 1. elections take 6-12 s here (60 ticks of 100 ms at least): longer than one partition call's 5 s, within the
        //    deadline of a produce that creates its queue (request timeout + 15 s)
        await using var cluster = await InProcessCluster.StartAsync(3, extra: "raft.election-tick = 60");
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new QueueHttp(cluster.Nodes[0].HttpAddress);

        // 2. the produce that creates the queue waits out its partition's first election instead of answering 503
        var first = await a.ProduceAsync("slow-start", "first", key: "k");
        var got = Assert.Single(await a.ConsumeAsync("slow-start", max: 10, waitMs: 20_000));
        Assert.Equal(first.MessageId, got.MessageId);
        Assert.Equal("first", got.Payload);
    }

    [Fact]
    public async Task A_nacked_or_expired_message_comes_back_with_a_higher_delivery_count_and_after_max_deliveries_goes_to_the_dlq()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new QueueHttp(cluster.Nodes[0].HttpAddress);
        var sent = await a.ProduceAsync("jobs", "work", messageId: "job-1");
        // a retry with the same messageId is a duplicate: same id, stored once
        Assert.Equal(sent, await a.ProduceAsync("jobs", "work", messageId: "job-1"));

        // 1. nack returns it at once, delivery 2; a lease left to expire returns it, delivery 3 (the old receipt is stale)
        var first = Assert.Single(await a.ConsumeAsync("jobs", 10, waitMs: 5_000));
        Assert.Equal(1, first.DeliveryCount);
        Assert.Equal(1, (await a.NackAsync("jobs", [first.Receipt])).Nacked);
        var second = Assert.Single(await a.ConsumeAsync("jobs", 10, visibilityMs: 300, waitMs: 5_000));
        Assert.Equal(2, second.DeliveryCount);
        var third = Assert.Single(await a.ConsumeAsync("jobs", 10, waitMs: 10_000));
        Assert.Equal(3, third.DeliveryCount);
        Assert.Equal(new[] { second.Receipt }, (await a.AckAsync("jobs", [second.Receipt])).Unknown);

        // 2. two more failed deliveries (max-deliveries = 5) move it to jobs.dlq, where it is consumed like any queue
        await a.NackAsync("jobs", [third.Receipt]);
        var fourth = Assert.Single(await a.ConsumeAsync("jobs", 10, waitMs: 5_000));
        await a.NackAsync("jobs", [fourth.Receipt]);
        var fifth = Assert.Single(await a.ConsumeAsync("jobs", 10, waitMs: 5_000));
        Assert.Equal(5, fifth.DeliveryCount);
        var last = await a.NackAsync("jobs", [fifth.Receipt]);
        Assert.Equal(1, last.DeadLettered);
        Assert.Empty(await a.ConsumeAsync("jobs", 10));
        var dead = Assert.Single(await a.ConsumeAsync("jobs.dlq", 10, waitMs: 5_000));
        Assert.Equal("job-1", dead.MessageId);
        Assert.Equal("work", dead.Payload);
        Assert.Equal(1, (await a.AckAsync("jobs.dlq", [dead.Receipt])).Acked);
    }

    [Fact]
    public async Task Leases_of_a_consumer_session_return_at_once_when_the_session_is_deleted()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new QueueHttp(cluster.Nodes[0].HttpAddress);
        for (int i = 0; i < 5; i++) await a.ProduceAsync("tasks", "t" + i, key: "k");

        // 1. a consumer with a session leases all five for ten minutes
        var session = await cluster.Clients[1].CreateSessionAsync(TimeSpan.FromSeconds(30));
        using var b = new QueueHttp(cluster.Nodes[1].HttpAddress);
        var leased = await b.ConsumeAsync("tasks", 10, visibilityMs: 600_000, waitMs: 5_000, sessionId: session.SessionId);
        Assert.Equal(5, leased.Count);
        Assert.Empty(await a.ConsumeAsync("tasks", 10));

        // 2. the session is deleted: its leases come back long before their visibility timeout, delivery 2
        Assert.True(await cluster.Clients[1].DeleteSessionAsync(session.SessionId));
        var again = await Eventually.Until(() => a.ConsumeAsync("tasks", 10, waitMs: 1_000), m => m.Count == 5, Patience, "the session's leases returned");
        Assert.All(again, m => Assert.Equal(2, m.DeliveryCount));
        Assert.Equal(leased.Select(m => m.MessageId).Order(), again.Select(m => m.MessageId).Order());
        // the old receipts are stale
        Assert.Equal(5, (await a.AckAsync("tasks", leased.Select(m => m.Receipt))).Unknown.Count);
        Assert.Equal(5, (await a.AckAsync("tasks", again.Select(m => m.Receipt))).Acked);
    }

    [Fact]
    public async Task Bad_queue_requests_get_a_400_naming_the_field_an_unknown_queue_a_404_and_an_oversized_payload_a_413()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new QueueHttp(cluster.Nodes[0].HttpAddress);
        var (s1, b1) = await a.PostRawAsync("queue/produce", "{\"queue\": \"q\", \"payload\": ");
        Assert.Equal(HttpStatusCode.BadRequest, s1);
        Assert.Contains("malformed JSON", b1);
        var (s2, b2) = await a.PostRawAsync("queue/produce", "{\"queue\": \"q\", \"payload\": \"x\", \"priority\": 12}");
        Assert.Equal(HttpStatusCode.BadRequest, s2);
        Assert.Contains("priority", b2);
        var (s3, b3) = await a.PostRawAsync("queue/produce", "{\"queue\": \"bad name!\", \"payload\": \"x\"}");
        Assert.Equal(HttpStatusCode.BadRequest, s3);
        Assert.Contains("queue", b3);
        var (s4, _) = await a.PostRawAsync("queue/produce", "{\"queue\": \"q.dlq\", \"payload\": \"x\"}");
        Assert.Equal(HttpStatusCode.BadRequest, s4);
        var (s5, b5) = await a.PostRawAsync("queue/consume", "{\"queue\": \"q\", \"max\": 0}");
        Assert.Equal(HttpStatusCode.BadRequest, s5);
        Assert.Contains("max", b5);
        var (s6, _) = await a.PostRawAsync("queue/consume", "{\"queue\": \"q\", \"sessionId\": \"no-such-session\"}");
        Assert.Equal(HttpStatusCode.NotFound, s6);
        var (s7, _) = await a.PostRawAsync("queue/ack", "{\"queue\": \"q\", \"receipts\": []}");
        Assert.Equal(HttpStatusCode.BadRequest, s7);
        Assert.Equal(HttpStatusCode.NotFound, (await a.StatsAsync("never-made")).Status);
        var big = new string('x', 300 * 1024);
        var (s8, _) = await a.PostRawAsync("queue/produce", $"{{\"queue\": \"q\", \"payload\": \"{big}\"}}");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, s8);
        // the node still serves after all that
        Assert.NotNull(await a.ProduceAsync("q", "fine"));
    }
}
