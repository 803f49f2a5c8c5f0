using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Queues;

/// <summary>A replica partitioned away under load: the two others keep every partition going; after the heal the
/// isolated node's replicas catch up through Raft, and every acknowledged produce is delivered (once per ack).</summary>
public class QueuePartitionHealSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_replica_cut_off_under_load_catches_up_after_heal_and_nothing_acknowledged_is_lost()
    {
        // 1. three nodes, a queue on all three
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var n1 = new QueueHttp(cluster.Nodes[0].HttpAddress);
        using var n2 = new QueueHttp(cluster.Nodes[1].HttpAddress);
        await n1.ProduceAsync("orders", "first", messageId: "first");
        var acknowledged = new HashSet<string> { "first" };

        // 2. a producer through n1 and n2
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested;)
            {
                var id = "m" + i;
                var (status, _) = await (i % 2 == 0 ? n1 : n2).PostAsync<ProduceResponse>("queue/produce", new ProduceRequest("orders", id, MessageId: id));
                if (status == HttpStatusCode.Created)
                {
                    lock (acknowledged) acknowledged.Add(id);
                    i++;
                }
            }
        });
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= 50, Patience, "50 produced");

        // 3. n3 is cut off for 15 s; produces keep being acknowledged by the majority of every partition
        var away = cluster.Nodes[2];
        await cluster.Faults.IsolateAsync(away);
        int atCut;
        lock (acknowledged) atCut = acknowledged.Count;
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= atCut + 100, Patience, "100 produced while n3 is away");
        await Task.Delay(TimeSpan.FromSeconds(15));
        await cluster.Faults.HealAllAsync();
        stop.Cancel();
        await producer;

        // 4. every partition replica on n3 catches up to its group's commit
        foreach (var group in away.Raft.Groups)
        {
            var leaderSide = cluster.Nodes[0].Raft.TryGetGroup(group.GroupId)!;
            long commit = leaderSide.Status.CommitIndex;
            await Eventually.Until(() => Task.FromResult(group.Status.LastApplied), applied => applied >= commit, Patience, $"n3's replica of group {group.GroupId} caught up");
        }

        // 5. every acknowledged message is delivered, consuming through the node that was away
        using var n3 = new QueueHttp(away.HttpAddress);
        var seen = new HashSet<string>();
        await Eventually.Until(async () =>
        {
            var batch = await n3.ConsumeAsync("orders", 500, waitMs: 500);
            foreach (var m in batch) seen.Add(m.Payload);
            if (batch.Count > 0) await n3.AckAsync("orders", batch.Select(m => m.Receipt));
            lock (acknowledged) return acknowledged.Except(seen).Count();
        }, missing => missing == 0, Patience, "every acknowledged message delivered through n3");
    }
}
