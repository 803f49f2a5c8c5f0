using System.Net;
using DistSync.Client.Contracts;
using DistSync.Cluster.Placement;
using DistSync.Node.Queues;

namespace DistSync.Node.Tests.Queues;

/// <summary>Rebalancing by Raft membership change: a 4th node joins under load and takes over the partitions whose
/// ring successors now include it (and only those); removed again, its replicas move back. Nothing acknowledged is
/// lost on the way.</summary>
public class QueueRebalanceSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_joining_node_takes_over_exactly_the_partitions_the_ring_gives_it_and_gives_them_back_on_removal_without_loss()
    {
        // 1. three nodes, a queue of 8 partitions on all three
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var n1 = new QueueHttp(cluster.Nodes[0].HttpAddress);
        var acknowledged = new HashSet<string>();
        await n1.ProduceAsync("work", "m-first", messageId: "m-first");
        acknowledged.Add("m-first");
        var before = cluster.Nodes[0].Queues.Catalog.Find("work")!;
        Assert.All(before.Partitions, p => Assert.Equal(3, p.Replicas.Count));

        // 2. a producer keeps going through n1
        using var stop = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            for (int i = 0; !stop.IsCancellationRequested; i++)
            {
                var id = "m" + i;
                var (status, _) = await n1.PostAsync<ProduceResponse>("queue/produce", new ProduceRequest("work", id, MessageId: id));
                if (status == HttpStatusCode.Created) lock (acknowledged) acknowledged.Add(id);
                else i--; // retry the same id: dedupe makes it once
            }
        });

        // 3. n4 joins the meta group; the partitions whose ring successors include n4 move to it, and only those
        var n4 = await cluster.AddJoiningNodeAsync();
        var ring4 = HashRing.Create(["n1", "n2", "n3", "n4"]);
        var expected = before.Partitions.ToDictionary(p => p.GroupId, p => QueuePlacement.ReplicasOf(ring4, "work", p.Index, 3));
        Assert.Contains(expected.Values, r => r.Contains("n4"));
        await Eventually.Until(() => Task.FromResult(cluster.Nodes[0].Queues.Catalog.Find("work")!),
            q => q.Partitions.All(p => p.Target.Count == 0 && p.Replicas.SequenceEqual(expected[p.GroupId])), Patience, "partitions placed on the 4-node ring");
        var moved = cluster.Nodes[0].Queues.Catalog.Find("work")!;
        foreach (var p in moved.Partitions)
        {
            if (!expected[p.GroupId].Contains("n4")) Assert.Equal(0, p.Generation); // untouched partitions did not move
        }
        await Eventually.Until(() => Task.FromResult(n4.Raft.Groups.Count), c => c == expected.Values.Count(r => r.Contains("n4")), Patience, "n4 hosts exactly its partitions");
        foreach (var node in cluster.Nodes.Take(3))
        {
            var hosts = node.Raft.Groups.Select(g => g.GroupId).ToHashSet();
            var should = expected.Where(e => e.Value.Contains(node.Settings.NodeId)).Select(e => e.Key).ToHashSet();
            await Eventually.Until(() => Task.FromResult(node.Raft.Groups.Select(g => g.GroupId).ToHashSet()), h => h.SetEquals(should), Patience,
                $"{node.Settings.NodeId} hosts only its partitions");
        }

        // 3b. writes keep being acknowledged through n1 (partitions it no longer hosts are reached through another
        //     node's queue gateway), and stats through n1 read every partition
        int settled;
        lock (acknowledged) settled = acknowledged.Count;
        await Eventually.Until(() => Task.FromResult(acknowledged.Count), n => n >= settled + 50, Patience, "50 more produced through n1 on the 4-node ring");
        var (statsStatus, stats) = await n1.StatsAsync("work");
        Assert.Equal(HttpStatusCode.OK, statsStatus);
        Assert.All(stats!.Partitions, p => Assert.Equal(expected[p.GroupId], p.Replicas));

        // 4. n4 leaves the meta group: its partitions move back to the three
        await cluster.Clients[0].DownAsync("n4");
        var ring3 = HashRing.Create(["n1", "n2", "n3"]);
        await Eventually.Until(() => Task.FromResult(cluster.Nodes[0].Queues.Catalog.Find("work")!),
            q => q.Partitions.All(p => p.Target.Count == 0 && p.Replicas.SequenceEqual(QueuePlacement.ReplicasOf(ring3, "work", p.Index, 3))), Patience, "back on the 3-node ring");
        stop.Cancel();
        await producer;

        // 5. everything acknowledged is there exactly once (dedupe), consumable through the three
        var seen = new HashSet<string>();
        await Eventually.Until(async () =>
        {
            foreach (var m in await n1.ConsumeAsync("work", 500, waitMs: 500)) seen.Add(m.Payload);
            lock (acknowledged) return acknowledged.Except(seen).Count();
        }, missing => missing == 0, Patience, "every acknowledged message delivered");
    }
}
