using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>A proposal is never left hanging: leadership loss and a stopped group fail it before its deadline.</summary>
public sealed class PendingProposalFailureSpec
{
    [Fact]
    public async Task A_proposal_on_a_leader_that_loses_its_quorum_fails_with_leadership_lost_not_at_its_deadline()
    {
        // 1. three nodes, a leader
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        var leader = await cluster.AwaitLeaderAsync();
        using var ok = new CancellationTokenSource(HostedCluster.Generous);
        await leader.ProposeAsync("committed", ok.Token);

        // 2. cut the leader off, then propose on it with a long deadline
        await cluster.Faults.IsolateAsync(leader);
        using var longDeadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var error = await Assert.ThrowsAsync<RaftUnavailableException>(() => leader.ProposeAsync("pending", longDeadline.Token));

        // 3. it failed because leadership was lost (CheckQuorum), long before the deadline fired
        Assert.Contains("leadership was lost", error.Message);
        Assert.False(longDeadline.IsCancellationRequested);
        // it was appended, so its outcome is unknown: it is not marked safe to send again
        Assert.False(error.NoLeaderTookIt);
    }

    [Fact]
    public async Task A_proposal_no_leader_took_before_its_deadline_is_marked_as_never_appended()
    {
        // 1. three nodes; a follower cut off from everyone forgets its leader
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        var leader = await cluster.AwaitLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await cluster.Faults.IsolateAsync(follower);
        await Eventually.HoldsAsync(() => follower.Status.Leader is null, HostedCluster.Generous, "the isolated follower forgets the leader");

        // 2. its proposal finds no leader until the deadline: nothing was appended, so a caller may send it again
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<RaftUnavailableException>(() => follower.ProposeAsync("nobody-leads", deadline.Token));
        Assert.True(error.NoLeaderTookIt);
        Assert.Contains("no leader available", error.Message);
    }

    [Fact]
    public async Task Stopping_the_group_fails_its_pending_proposals_and_reads()
    {
        // 1. three nodes; a follower cut off from everyone, so nothing it asks can complete
        await using var cluster = await HostedCluster.StartAsync(3, HostedNode.FastSettings());
        var leader = await cluster.AwaitLeaderAsync();
        var follower = cluster.Nodes.First(n => n != leader);
        await cluster.Faults.IsolateAsync(follower);
        await Eventually.HoldsAsync(() => follower.Status.Leader is null, HostedCluster.Generous, "the isolated follower forgets the leader");
        using var longDeadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        var read = follower.LinearizableItemsAsync(longDeadline.Token);

        // 2. stop its raft host
        await follower.Host!.DisposeAsync();

        // 3. the pending read fails with RaftUnavailableException, and later calls too (nothing hangs)
        await Assert.ThrowsAsync<RaftUnavailableException>(() => read);
        var later = await Assert.ThrowsAsync<RaftUnavailableException>(() => follower.ProposeAsync("after-stop", longDeadline.Token));
        Assert.Contains("stopped", later.Message);
        Assert.False(longDeadline.IsCancellationRequested);
    }
}
