namespace DistSync.Raft.Tests.Hosting;

/// <summary>Three hosted nodes over loopback remoting: election, forwarding, reads, failover, transfer, restart.</summary>
public sealed class ThreeNodeRaftSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task A_leader_is_elected_and_a_followers_proposal_is_forwarded_to_it()
    {
        // 1. start three founding nodes
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());

        // 2. a leader is elected and followed by both others
        var leader = await cluster.AwaitLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);

        // 3. a follower's proposal is forwarded, committed and its result returned
        var count = AppendLogStateMachine.Count(await follower.ProposeAsync("from-follower", Deadline));
        Assert.Equal(1, count);
        Assert.Equal(2, AppendLogStateMachine.Count(await leader.ProposeAsync("from-leader", Deadline)));

        // 4. every node applies both, in the same order
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, ["from-follower", "from-leader"]);

        // 5. the leader reports each follower's progress
        var status = leader.Status;
        Assert.Equal(3, status.Members.Count);
        Assert.All(status.Members, m => Assert.Equal("voter", m.Kind));
        await Eventually.HoldsAsync(() => leader.Status.Followers.Count == 2 && leader.Status.Followers.All(f => f.MatchIndex >= 5 && f.State == "replicate"),
            HostedCluster.Generous, "both followers replicate up to the last entry");
    }

    [Fact]
    public async Task A_linearizable_read_on_a_follower_sees_a_write_acknowledged_before_it_started()
    {
        // 1. three nodes, one leader
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        var leader = await cluster.AwaitLeaderAsync();
        var followers = cluster.Nodes.Where(n => n != leader).ToList();

        // 2. slow one follower's inbound appends down, so its local state lags
        cluster.Faults.Delay(leader, followers[0], TimeSpan.FromMilliseconds(300));

        // 3. acknowledged writes, then a linearizable read on the lagging follower right away sees each of them
        for (int i = 1; i <= 5; i++)
        {
            await leader.ProposeAsync("w" + i, Deadline);
            var seen = await followers[0].LinearizableItemsAsync(Deadline);
            Assert.Contains("w" + i, seen);
        }
        await cluster.Faults.HealAllAsync();
    }

    [Fact]
    public async Task When_the_leader_stops_a_new_leader_commits_within_a_few_election_timeouts()
    {
        // 1. three nodes, one leader, some committed writes
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        var leader = await cluster.AwaitLeaderAsync();
        for (int i = 1; i <= 10; i++) await cluster.ProposeThroughElectionsAsync("a" + i, Deadline);
        leader = await cluster.AwaitLeaderAsync();
        long oldTerm = leader.Status.Term;

        // 2. stop the leader's actor system
        await leader.StopAsync();
        var survivors = cluster.Live.ToList();

        // 3. a new leader is elected in a higher term and commits a write within a few election timeouts
        var started = DateTime.UtcNow;
        var newLeader = await cluster.AwaitLeaderAsync(survivors);
        Assert.True(newLeader.Status.Term > oldTerm);
        await survivors[0].ProposeAsync("after-failover", Deadline);
        var failover = DateTime.UtcNow - started;
        Assert.True(failover < TimeSpan.FromSeconds(20), $"failover took {failover}");

        // 4. the survivors hold every acknowledged write, in order
        await HostedCluster.AwaitAppliedAsync(survivors, Enumerable.Range(1, 10).Select(i => "a" + i).Append("after-failover").ToList());
    }

    [Fact]
    public async Task Leadership_can_be_transferred_to_a_chosen_follower()
    {
        // 1. three nodes, one leader
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        var leader = await cluster.AwaitLeaderAsync();
        var target = cluster.Nodes.First(n => n != leader);
        await leader.ProposeAsync("before", Deadline);

        // 2. ask a (different) follower to move leadership to the target: the request is forwarded
        var asker = cluster.Nodes.First(n => n != leader && n != target);
        await asker.Meta.TransferLeaderAsync(target.NodeId, Deadline);

        // 3. the target leads, everybody follows it, writes go on
        await Eventually.HoldsAsync(() => target.Status.Role == "leader", HostedCluster.Generous, target.NodeId + " leads");
        var newLeader = await cluster.AwaitLeaderAsync();
        Assert.Equal(target.NodeId, newLeader.NodeId);
        await asker.ProposeAsync("after", Deadline);
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, ["before", "after"]);

        // 4. an unknown node is refused clearly
        await Assert.ThrowsAsync<ArgumentException>(() => asker.Meta.TransferLeaderAsync("nobody", Deadline));
    }

    [Fact]
    public async Task A_restarted_follower_recovers_its_persisted_log_and_catches_up()
    {
        // 1. three nodes journaling to sqlite, snapshotting every 30 entries
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(snapshotEvery: 30), sqlite: true);
        var leader = await cluster.AwaitLeaderAsync();
        var expected = new List<string>();
        for (int i = 1; i <= 40; i++)
        {
            await cluster.ProposeThroughElectionsAsync("b" + i, Deadline);
            expected.Add("b" + i);
        }
        leader = await cluster.AwaitLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await HostedCluster.AwaitAppliedAsync([follower], expected);

        // 2. stop the follower; the other two commit more (enough for the leader to compact past it)
        await follower.StopAsync();
        for (int i = 41; i <= 120; i++)
        {
            await cluster.ProposeThroughElectionsAsync("b" + i, Deadline);
            expected.Add("b" + i);
        }

        // 3. restart it from its data directory: it recovers and catches up with everything
        var restarted = await cluster.RestartAsync(follower);
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        Assert.Equal(expected, await restarted.LinearizableItemsAsync(Deadline));
    }
}
