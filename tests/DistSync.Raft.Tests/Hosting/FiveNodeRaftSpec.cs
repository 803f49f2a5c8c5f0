namespace DistSync.Raft.Tests.Hosting;

/// <summary>Five hosted nodes: a leader cut off in a minority steps down, the majority goes on, logs converge on heal.</summary>
public sealed class FiveNodeRaftSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task An_isolated_leader_cannot_commit_and_steps_down_while_the_majority_elects_and_commits_and_logs_converge_on_heal()
    {
        // 1. start five nodes; a leader is elected; commit a first write
        await using var cluster = await HostedCluster.StartAsync(5, HostedNode.FastSettings());
        var oldLeader = await cluster.AwaitLeaderAsync();
        await oldLeader.ProposeAsync("before", Deadline);
        var majority = cluster.Nodes.Where(n => n != oldLeader).ToList();
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, ["before"]);

        // 2. isolate the leader from everyone
        await cluster.Faults.IsolateAsync(oldLeader);

        // 3. its proposal cannot commit: it fails once it steps down (CheckQuorum), or at its deadline
        using (var shortDeadline = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await Assert.ThrowsAsync<DistSync.Raft.Hosting.RaftUnavailableException>(() => oldLeader.ProposeAsync("lost", shortDeadline.Token));
        }
        await Eventually.HoldsAsync(() => oldLeader.Status.Role != "leader", HostedCluster.Generous, "the isolated leader steps down");

        // 4. the majority elects a new leader and commits
        var newLeader = await cluster.AwaitLeaderAsync(majority);
        Assert.NotEqual(oldLeader.NodeId, newLeader.NodeId);
        for (int i = 1; i <= 5; i++) await majority[i % majority.Count].ProposeAsync("during" + i, Deadline);

        // 5. heal: the old leader follows the new one and every log converges; the uncommitted write is gone
        await cluster.Faults.HealAllAsync();
        await cluster.AwaitLeaderAsync();
        var expected = new List<string> { "before" };
        expected.AddRange(Enumerable.Range(1, 5).Select(i => "during" + i));
        await HostedCluster.AwaitAppliedAsync(cluster.Nodes, expected);
        Assert.DoesNotContain("lost", await oldLeader.LinearizableItemsAsync(Deadline));
    }
}
