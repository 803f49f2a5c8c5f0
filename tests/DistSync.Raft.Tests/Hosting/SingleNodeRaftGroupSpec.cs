using System.Text;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

public sealed class SingleNodeRaftGroupSpec
{
    private static CancellationToken Deadline => new CancellationTokenSource(HostedCluster.Generous).Token;

    [Fact]
    public async Task A_single_founding_node_leads_applies_proposals_and_answers_reads()
    {
        // 1. start one founding node
        await using var cluster = await HostedCluster.StartAsync(1, HostedNode.FastSettings());
        var n1 = cluster["n1"];
        await cluster.AwaitLeaderAsync();

        // 2. proposals complete with the state machine's result, in order
        var results = await Task.WhenAll(Enumerable.Range(1, 50).Select(i => n1.ProposeAsync("v" + i, Deadline)));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i).OrderBy(x => x), results.Select(AppendLogStateMachine.Count).OrderBy(x => x));

        // 3. linearizable and local reads see all of them
        Assert.Equal(50, (await n1.LinearizableItemsAsync(Deadline)).Length);
        Assert.Equal(50, (await n1.LocalItemsAsync(Deadline)).Length);

        // 4. status (published every tick) names the leader, with lower-case role names
        await Eventually.HoldsAsync(() => n1.Status.CommitIndex >= 51 && n1.Status.LastApplied >= 51, HostedCluster.Generous, "status shows the commits");
        var status = n1.Status;
        Assert.Equal("leader", status.Role);
        Assert.Equal("n1", status.Leader);
        Assert.Equal("n1", Assert.Single(status.Members).NodeId);
    }

    [Fact]
    public async Task An_empty_command_is_refused_and_a_throwing_apply_stops_the_group_loudly()
    {
        // 1. an empty command is refused up front (empty entries are Raft no-ops)
        await using var cluster = await HostedCluster.StartAsync(1, HostedNode.FastSettings());
        var n1 = cluster["n1"];
        await Assert.ThrowsAsync<ArgumentException>(() => n1.Meta.ProposeAsync(ReadOnlyMemory<byte>.Empty, Deadline));
        Assert.Equal(1, AppendLogStateMachine.Count(await n1.ProposeAsync("before", Deadline)));

        // 2. an apply that throws fails its proposal with the state machine's message ...
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => n1.ProposeAsync("fail", Deadline));
        Assert.Contains("asked to fail", error.Message);

        // 3. ... and stops the group on this node instead of going on with a replica that may differ from the others
        await Eventually.HoldsAsync(() => n1.Status.Role == "failed", HostedCluster.Generous, "the group reports failed");
        var stopped = await Assert.ThrowsAsync<RaftUnavailableException>(() => n1.ProposeAsync("after", Deadline));
        Assert.Contains("stopped", stopped.Message);
        Assert.Null(n1.Status.Leader);
    }

    [Fact]
    public async Task The_leader_proposes_the_expire_command_when_the_deadline_is_due()
    {
        await using var cluster = await HostedCluster.StartAsync(1, HostedNode.FastSettings());
        var n1 = cluster["n1"];
        await n1.ProposeAsync("x", Deadline);
        await n1.Meta.QueryAsync(sm => ((AppendLogStateMachine)sm).DeadlineMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 1, false, Deadline);
        await Eventually.HoldsAsync(async () => await n1.Meta.QueryAsync(sm => ((AppendLogStateMachine)sm).ExpireCount, false, Deadline) == 1,
            HostedCluster.Generous, "one expire entry applied");
    }

    [Fact]
    public async Task A_restarted_node_recovers_its_log_and_snapshots_from_sqlite()
    {
        // 1. one node journaling to sqlite, snapshotting every 20 entries
        var settings = HostedNode.FastSettings(snapshotEvery: 20);
        await using var cluster = await HostedCluster.StartAsync(1, settings, sqlite: true);
        var n1 = cluster["n1"];
        for (int i = 1; i <= 75; i++) await n1.ProposeAsync("v" + i, Deadline);
        var before = await n1.LocalItemsAsync(Deadline);

        // 2. restart it from its data directory
        n1 = await cluster.RestartAsync(n1);
        await cluster.AwaitLeaderAsync();

        // 3. the state is back (snapshot + replayed tail), and new writes continue after it
        await HostedCluster.AwaitAppliedAsync([n1], before);
        Assert.Equal(76, AppendLogStateMachine.Count(await n1.ProposeAsync("v76", Deadline)));
        Assert.Equal(before.Append("v76"), await n1.LinearizableItemsAsync(Deadline));
    }
}
