using DistSync.Client.Contracts;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Node.Tests;

/// <summary>
/// Issue 11: a node partitioned away for a minute and then healed rejoins without a restart: the same actor system
/// and incarnation, up again in every node's /status, and its Raft replica catches up with what was written meanwhile.
/// </summary>
public class PartitionRejoinSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static bool AllUp(StatusResponse s) => s.Members.Count == 3 && s.Members.All(m => m.Status == "up" && m.NodeId is not null);

    [Fact]
    public async Task A_node_cut_off_for_a_minute_is_back_after_heal_without_a_restart()
    {
        // 1. three nodes with a leader; a first write
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        foreach (var client in cluster.Clients) await Eventually.Until(() => client.GetStatusAsync(), AllUp, Patience, $"all up at {client.BaseAddress}");
        await cluster.Clients[leader].PutAsync("before", "1");

        // 2. cut off a follower for a minute (the scenario itself: the time it stays away)
        var away = (leader + 1) % 3;
        var awayId = cluster.Nodes[away].Settings.NodeId;
        var incarnation = AkkaCluster.Get(cluster.Nodes[away].System).SelfUniqueAddress;
        await cluster.Faults.IsolateAsync(cluster.Nodes[away]);
        var others = Enumerable.Range(0, 3).Where(i => i != away).ToList();
        foreach (var i in others)
        {
            await Eventually.Until(() => cluster.Clients[i].GetStatusAsync(),
                s => s.Members.Any(m => m.NodeId == awayId && m.Status == "unreachable"), Patience, $"{awayId} unreachable at node {i}");
        }
        var during = await Eventually.Until(() => cluster.Clients[others[0]].PutAsync("during", "2"), r => r.Version > 0, Patience, "a write while it is away");
        await Task.Delay(TimeSpan.FromMinutes(1));

        // 3. heal: every node sees all three up again
        await cluster.Faults.HealAllAsync();
        foreach (var client in cluster.Clients) await Eventually.Until(() => client.GetStatusAsync(), AllUp, Patience, $"all up again at {client.BaseAddress}");

        // 4. nothing was restarted: same system, same incarnation
        Assert.False(cluster.Nodes[away].IsTerminated);
        Assert.Equal(incarnation, AkkaCluster.Get(cluster.Nodes[away].System).SelfUniqueAddress);

        // 5. its replica caught up: it applied the write made while it was away
        await Eventually.Until(() => Task.FromResult(cluster.Nodes[away].Meta.Status.LastApplied), applied => applied >= during.Version, Patience,
            $"{awayId} applied the write made while it was away");
        var read = await Eventually.Until(() => cluster.Clients[away].GetAsync("during"), r => r is not null, Patience, "a linearizable read on it");
        Assert.Equal("2", read!.Value);
    }
}
