using Akka.Actor;
using Akka.Coordination;
using DistSync.Client;
using Xunit.Abstractions;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>The lease against one in-process DistSync node, through Akka's <see cref="LeaseProvider"/> as a module would use it.</summary>
public sealed class DistSyncLeaseSpec(OneNodeCluster cluster, ITestOutputHelper output)
    : global::Akka.TestKit.Xunit2.TestKit(LeaseHocon.For([cluster.Endpoint]), output: output), IClassFixture<OneNodeCluster>
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    private sealed record Lost(Exception? Reason);

    private DistSyncLease LeaseOf(string name, string owner) =>
        Assert.IsType<DistSyncLease>(LeaseProvider.Get(Sys).GetLease(name, DistSyncLeaseConfig.Path, owner));

    [Fact]
    public async Task A_held_lease_is_refused_to_another_owner_until_released()
    {
        var a = LeaseOf("printer", "owner-a");
        var b = LeaseOf("printer", "owner-b");

        Assert.True(await a.Acquire().WaitAsync(Generous));
        Assert.True(a.CheckLease());
        var firstToken = a.FencingToken;
        Assert.NotNull(firstToken);

        Assert.False(await b.Acquire().WaitAsync(Generous));
        Assert.False(b.CheckLease());
        Assert.Null(b.FencingToken);

        Assert.True(await a.Release().WaitAsync(Generous));
        Assert.False(a.CheckLease());

        Assert.True(await b.Acquire().WaitAsync(Generous));
        Assert.True(b.CheckLease());
        Assert.True(b.FencingToken > firstToken);
        Assert.True(await b.Release().WaitAsync(Generous));
    }

    [Fact]
    public async Task Acquiring_a_held_lease_again_keeps_the_grant_and_releasing_twice_says_no()
    {
        var a = LeaseOf("twice", "owner-a");
        Assert.True(await a.Acquire().WaitAsync(Generous));
        var token = a.FencingToken;
        Assert.True(await a.Acquire().WaitAsync(Generous));
        Assert.Equal(token, a.FencingToken);

        Assert.True(await a.Release().WaitAsync(Generous));
        Assert.False(await a.Release().WaitAsync(Generous));
    }

    [Fact]
    public async Task The_lease_holds_across_many_heartbeats()
    {
        var a = LeaseOf("steady", "owner-a");
        Assert.True(await a.Acquire(e => TestActor.Tell(new Lost(e))).WaitAsync(Generous));
        // Several TTLs (3 s): only the keepalives keep it.
        ExpectNoMsg(TimeSpan.FromSeconds(8));
        Assert.True(a.CheckLease());
        using var client = new DistSyncClient(cluster.Endpoint);
        var holder = Assert.Single((await client.GetLockStatusAsync("steady")).Holders);
        Assert.Equal(a.SessionId, holder.SessionId);
        Assert.True(await a.Release().WaitAsync(Generous));
        ExpectNoMsg(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Deleting_the_session_fires_the_lost_callback_and_frees_the_lease()
    {
        var a = LeaseOf("deleted", "owner-a");
        var b = LeaseOf("deleted", "owner-b");
        Assert.True(await a.Acquire(e => TestActor.Tell(new Lost(e))).WaitAsync(Generous));

        using var client = new DistSyncClient(cluster.Endpoint);
        Assert.True(await client.DeleteSessionAsync(a.SessionId!));

        var lost = ExpectMsg<Lost>(Generous);
        Assert.IsAssignableFrom<LeaseException>(lost.Reason);
        Assert.False(a.CheckLease());
        Assert.Null(a.FencingToken);
        Assert.True(await b.Acquire().WaitAsync(Generous));
        Assert.True(await b.Release().WaitAsync(Generous));
    }

    [Fact]
    public async Task A_lock_released_behind_the_lease_fires_the_lost_callback()
    {
        var a = LeaseOf("taken", "owner-a");
        Assert.True(await a.Acquire(e => TestActor.Tell(new Lost(e))).WaitAsync(Generous));

        // The session lives on, but its lock is gone: the next beat must notice.
        using var client = new DistSyncClient(cluster.Endpoint);
        Assert.True(await client.ReleaseAsync("taken", a.SessionId!));

        var lost = ExpectMsg<Lost>(Generous);
        Assert.Contains("no longer held", lost.Reason!.Message, StringComparison.Ordinal);
        Assert.False(a.CheckLease());
    }

    [Fact]
    public async Task A_node_that_cannot_be_reached_fails_the_acquire_rather_than_answering_false()
    {
        // Port 1 on loopback: refused at once.
        var config = LeaseHocon.For(["127.0.0.1:1"]).GetConfig(DistSyncLeaseConfig.Path);
        var lease = new DistSyncLease(LeaseSettings.Create(config, "nowhere", "owner-a"), (ExtendedActorSystem)Sys);
        await Assert.ThrowsAsync<LeaseException>(() => lease.Acquire().WaitAsync(Generous));
        Assert.False(lease.CheckLease());
    }
}
