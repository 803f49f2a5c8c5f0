namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// A partition on the real transport (Akka.Remote's throttler black-holes the links; the TCP connections stay open)
/// that lasts a minute and heals: the cut-off node rejoins its group without any restart and catches up.
/// </summary>
public sealed class PartitionHealSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task A_leader_partitioned_for_a_minute_rejoins_as_follower_after_heal_without_a_restart()
    {
        // 1. three nodes elect a leader and commit a first write everywhere
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(snapshotEvery: 200));
        var cutOff = await cluster.AwaitLeaderAsync();
        await cutOff.ProposeAsync("before", Deadline);
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, ["before"]);
        var systemBefore = cutOff.System;
        var rest = cluster.Nodes.Where(n => n != cutOff).ToList();

        // 2. black-hole every link of the leader, both ways
        await cluster.Faults.IsolateAsync(cutOff);

        // 3. for a minute the majority elects a new leader and keeps committing (past a snapshot, so the healed
        //    node may need the snapshot or the log tail); the cut-off node commits nothing
        var newLeader = await cluster.AwaitLeaderAsync(rest);
        Assert.NotEqual(cutOff.NodeId, newLeader.NodeId);
        // (on a loaded machine the two-node majority may change leader: a write caught in that answers "outcome
        // unknown" and is not retried, so it may or may not be in the log; every acknowledged one must be)
        var acknowledged = new List<string> { "before" };
        var unknown = new HashSet<string>();
        var until = DateTime.UtcNow.AddSeconds(60);
        int i = 0;
        while (DateTime.UtcNow < until)
        {
            var text = "during" + ++i;
            try
            {
                await rest[i % rest.Count].ProposeAsync(text, Deadline);
                acknowledged.Add(text);
            }
            catch (DistSync.Raft.Hosting.RaftUnavailableException)
            {
                unknown.Add(text);
            }
            await Task.Delay(50);
        }
        Assert.True(acknowledged.Count > 100, $"only {acknowledged.Count} writes were acknowledged during the partition");
        Assert.Equal(["before"], await cutOff.LocalItemsAsync(Deadline));
        Assert.NotEqual("leader", cutOff.Status.Role);

        // 4. heal: the same actor system (no restart) follows the new leader and applies everything
        await cluster.Faults.HealAllAsync();
        var majorityLeader = await cluster.AwaitLeaderAsync(rest);
        var expected = (await majorityLeader.LinearizableItemsAsync(Deadline)).ToList();
        Assert.Equal(acknowledged, expected.Where(x => !unknown.Contains(x)));
        Assert.All(expected, x => Assert.True(acknowledged.Contains(x) || unknown.Contains(x), $"{x} was never proposed"));
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected, TimeSpan.FromSeconds(60));
        var leader = await cluster.AwaitLeaderAsync();
        Assert.Same(systemBefore, cutOff.System);
        Assert.False(cutOff.IsStopped);

        // 5. and it takes part again: a write through it commits on every node
        await cutOff.ProposeAsync("after", Deadline);
        expected.Add("after");
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        Assert.Equal(leader.Status.Term, cutOff.Status.Term);
    }
}
