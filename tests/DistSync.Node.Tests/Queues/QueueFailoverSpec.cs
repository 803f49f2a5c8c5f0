using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Queues;

/// <summary>At-least-once across a failure: a node that leads partitions crashes while producers and consumers run
/// through the two others. Every produce answered 201 is delivered at least once, nothing acked is delivered again,
/// and per key messages come in produce order except for redeliveries.</summary>
public class QueueFailoverSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_crashed_partition_leader_loses_no_acknowledged_message_and_redelivers_nothing_acked()
    {
        // 1. three nodes; a queue whose partitions have leaders on every node
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var p1 = new QueueHttp(cluster.Nodes[0].HttpAddress);
        using var p2 = new QueueHttp(cluster.Nodes[1].HttpAddress);
        await p1.ProduceAsync("events", "warm-up", key: "warm");
        var victim = cluster.Nodes[2];
        await Eventually.Until(() => Task.FromResult(victim.Raft.Groups.Count(g => g.Status.Role == "leader")), n => n > 0, Patience, "the victim leads a partition");

        // 2. producers (keys k0..k3, payload = sequence per key) and a consumer that acks what it gets, through n1 and n2
        var acknowledged = new HashSet<string>();
        var perKeyNext = new int[4];
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                int k = i % 4;
                var payload = $"k{k}:{perKeyNext[k]}";
                var client = i % 2 == 0 ? p1 : p2;
                var (status, body) = await client.PostAsync<ProduceResponse>("queue/produce", new ProduceRequest("events", payload, "k" + k, MessageId: payload));
                if (status == HttpStatusCode.Created)
                {
                    lock (acknowledged) acknowledged.Add(payload);
                    perKeyNext[k]++;
                }
                // 503 (no quorum while the partition elects): the same payload (and messageId) is retried next round
            }
        });
        var delivered = new List<ConsumedMessage>();
        var acked = new HashSet<string>();
        async Task ConsumeOnceAsync(QueueHttp client)
        {
            var (status, batch) = await client.PostAsync<List<ConsumedMessage>>("queue/consume", new ConsumeRequest("events", 50, 2_000, 200));
            if (status != HttpStatusCode.OK || batch!.Count == 0) return;
            lock (delivered)
            {
                foreach (var m in batch) Assert.DoesNotContain(m.MessageId, acked); // nothing acked comes back
                delivered.AddRange(batch);
            }
            var (ackStatus, _) = await client.PostAsync<AckResponse>("queue/ack", new AckRequest("events", batch.Select(m => m.Receipt).ToList()));
            if (ackStatus == HttpStatusCode.OK) lock (delivered) foreach (var m in batch) acked.Add(m.MessageId);
        }
        var consumer = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested) await ConsumeOnceAsync(p2);
        });
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= 100, Patience, "100 produced");

        // 3. the victim crashes (links cut first, as after kill -9); the load goes on through the survivors
        await cluster.Faults.IsolateAsync(victim);
        await victim.CrashAsync();
        int before;
        lock (acknowledged) before = acknowledged.Count;
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= before + 100, Patience, "100 more produced after the crash");
        stop.Cancel();
        await producer;
        await consumer;

        // 4. drain: every acknowledged produce is delivered at least once (a lease lost in the crash returns at its
        //    visibility timeout)
        await Eventually.Until(async () =>
        {
            await ConsumeOnceAsync(p1);
            lock (delivered) return acknowledged.Except(delivered.Select(m => m.MessageId)).Count();
        }, missing => missing == 0, Patience, "every acknowledged message delivered");

        // 5. per key, first deliveries come in produce order
        lock (delivered)
        {
            foreach (var key in Enumerable.Range(0, 4).Select(k => $"k{k}"))
            {
                var firsts = delivered.Where(m => m.Key == key && m.DeliveryCount == 1).Select(m => int.Parse(m.Payload.Split(':')[1])).ToList();
                Assert.Equal(firsts.OrderBy(x => x), firsts);
            }
        }
    }
}
