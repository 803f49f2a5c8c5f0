namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// Membership changes keep committing after leader changes: down of the dead leader, join and promotion of a
/// replacement, and leave, after one and after two failovers. (A new leader once refused every change for good.)
/// </summary>
public sealed class MembershipAfterFailoverSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task Down_join_promote_and_leave_commit_after_one_and_after_two_failovers()
    {
        // 1. three founders, some writes
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings(snapshotEvery: 50));
        var leader = await cluster.AwaitLeaderAsync();
        for (int i = 1; i <= 10; i++) await leader.ProposeAsync("a" + i, Deadline);

        // 2. failover 1: the leader stops, another takes over; the dead one is downed and a replacement joins
        var (firstDead, secondLeader) = await FailOverAndReplaceAsync(cluster, leader, "n4");

        // 3. failover 2: the new leader stops too; again down, join, promote
        var (secondDead, _) = await FailOverAndReplaceAsync(cluster, secondLeader, "n5");

        // 4. a member leaves by itself (a voter asks for its own removal) while the third leader leads
        var live = cluster.Live.ToList();
        var current = await cluster.AwaitLeaderAsync(live);
        var leaving = live.First(n => n != current);
        await leaving.Meta.RemoveMemberAsync(leaving.NodeId, Deadline);
        var staying = live.Where(n => n != leaving).ToList();
        await Eventually.HoldsAsync(() => staying.All(n => n.Status.Members.Count == 2 && n.Status.Members.All(m => m.NodeId != leaving.NodeId)),
            HostedCluster.Generous, $"{leaving.NodeId} left");
        await leaving.StopAsync();

        // 5. the two that stay still commit, and hold every write
        await staying[0].ProposeAsync("after-leave", Deadline);
        var items = await staying[1].LinearizableItemsAsync(Deadline);
        Assert.Contains("after-leave", items);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => "a" + i), items.Take(10));
        Assert.DoesNotContain(firstDead.NodeId, staying.Select(n => n.NodeId));
        Assert.DoesNotContain(secondDead.NodeId, staying.Select(n => n.NodeId));
    }

    /// <summary>Stops <paramref name="leader"/>, waits for a successor, downs the dead node and joins <paramref name="replacementId"/>
    /// until it votes; returns the stopped leader and its successor.</summary>
    private static async Task<(HostedNode Dead, HostedNode NewLeader)> FailOverAndReplaceAsync(HostedCluster cluster, HostedNode leader, string replacementId)
    {
        await leader.StopAsync();
        var survivors = cluster.Live.ToList();
        var next = await cluster.AwaitLeaderAsync(survivors);
        Assert.NotEqual(leader.NodeId, next.NodeId);
        await next.ProposeAsync("after-failover-" + replacementId, Deadline);

        // down, asked of a follower (forwarded to the new leader): it commits, not "pending" for ever
        var asker = survivors.FirstOrDefault(n => n != next) ?? next;
        await asker.Meta.RemoveMemberAsync(leader.NodeId, Deadline);
        await Eventually.HoldsAsync(() => survivors.All(n => n.Status.Members.All(m => m.NodeId != leader.NodeId)),
            HostedCluster.Generous, $"{leader.NodeId} removed after the failover");

        // join: learner first, then promoted to voter once caught up
        var joined = await cluster.JoinAsync(replacementId, asker);
        await Eventually.HoldsAsync(() => joined.Status.Members.Any(m => m.NodeId == replacementId && m.Kind == "voter")
                && survivors.All(n => n.Status.Members.Any(m => m.NodeId == replacementId && m.Kind == "voter")),
            HostedCluster.Generous, $"{replacementId} joined and votes");
        await HostedCluster.AwaitAppliedAsync(cluster.Live, await next.LinearizableItemsAsync(Deadline));
        return (leader, await cluster.AwaitLeaderAsync(cluster.Live));
    }
}
