using System.Text;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>Further Raft groups beside the meta group (multi-Raft): started on a subset of nodes, moved to another
/// node by membership change only (join as learner, promote, remove), stopped with their log purged.</summary>
public sealed class MultiRaftGroupSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    private static RaftGroupSpec Founding(int groupId, IReadOnlyList<RaftMember> members) =>
        new() { GroupId = groupId, InitialMembers = members, StateMachineFactory = () => new AppendLogStateMachine() };

    private static Task<string[]> ItemsAsync(IRaftGroup group, bool linearizable = false) =>
        group.QueryAsync(sm => ((AppendLogStateMachine)sm).Items.ToArray(), linearizable, Deadline);

    [Fact]
    public async Task A_group_on_two_of_three_nodes_commits_apart_from_the_meta_group_and_moves_to_the_third_without_losing_entries()
    {
        // 1. three nodes; group 7 on n1 and n2 only
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        await cluster.AwaitLeaderAsync();
        var (n1, n2, n3) = (cluster["n1"], cluster["n2"], cluster["n3"]);
        var founders = new[] { n1.Member, n2.Member };
        var g1 = await n1.Host!.StartGroupAsync(Founding(7, founders));
        var g2 = await n2.Host!.StartGroupAsync(Founding(7, founders));
        Assert.Same(g1, await n1.Host.StartGroupAsync(Founding(7, founders))); // idempotent
        Assert.Null(n3.Host!.TryGetGroup(7));

        // 2. its entries are its own: the meta group's log does not see them
        for (int i = 0; i < 20; i++) await g1.ProposeAsync(Encoding.UTF8.GetBytes("p" + i), Deadline);
        await n1.ProposeAsync("meta-only", Deadline);
        Assert.Equal(20, (await ItemsAsync(g2, linearizable: true)).Length);
        Assert.DoesNotContain("p0", await n1.LocalItemsAsync(Deadline));

        // 3. n3 joins group 7 through its replicas: a learner, then a voter
        var g3 = await n3.Host.StartGroupAsync(new RaftGroupSpec
        {
            GroupId = 7, Join = true, Seeds = [n1.Address, n2.Address], StateMachineFactory = () => new AppendLogStateMachine(),
        });
        await Eventually.HoldsAsync(() => g3.Status.Members.Any(m => m.NodeId == "n3" && m.Kind == "voter"), HostedCluster.Generous, "n3 votes in group 7");

        // 4. n1 is removed from group 7 and stops its replica with its log purged; writes go on through n2
        await g2.RemoveMemberAsync("n1", Deadline);
        await Eventually.HoldsAsync(() => g3.Status.Members.Count == 2 && g3.Status.Members.All(m => m.NodeId != "n1"), HostedCluster.Generous, "group 7 is n2 and n3");
        await n1.Host.StopGroupAsync(7, purgeLog: true, Deadline);
        Assert.Null(n1.Host.TryGetGroup(7));
        await Assert.ThrowsAsync<RaftUnavailableException>(() => g1.ProposeAsync(Encoding.UTF8.GetBytes("late"), Deadline));
        // n1 may have led group 7: wait until n2 and n3 agree on a leader among themselves, so that no proposal below is
        // forwarded to the removed node (its outcome would be unknown)
        await Eventually.HoldsAsync(() => g3.Status.Leader is "n2" or "n3" && g2.Status.Leader == g3.Status.Leader, HostedCluster.Generous, "a leader of group 7 among n2 and n3");
        for (int i = 20; i < 30; i++) await g3.ProposeAsync(Encoding.UTF8.GetBytes("p" + i), Deadline);
        var expected = Enumerable.Range(0, 30).Select(i => "p" + i).ToArray();
        Assert.Equal(expected, await ItemsAsync(g3, linearizable: true));
        await Eventually.HoldsAsync(async () => (await ItemsAsync(g2)).SequenceEqual(expected), HostedCluster.Generous, "n2 applied all 30");

        // 5. the purged replica restarts empty: nothing of the old log is left on n1
        var again = await n1.Host.StartGroupAsync(new RaftGroupSpec { GroupId = 7, StateMachineFactory = () => new AppendLogStateMachine() });
        await Task.Delay(500);
        Assert.Empty(await ItemsAsync(again));
        Assert.Equal(0, again.Status.CommitIndex);
    }
}
