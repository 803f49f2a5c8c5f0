using Akka.Event;
using DistSync.Client;

namespace DistSync.Akka.Coordination.Tests;

/// <summary>What <see cref="DistSyncLease.CheckLease"/> rests on: certain only within one TTL of the last confirmation.</summary>
public sealed class LeaseHoldSpec
{
    private static readonly DistSyncLeaseSettings Settings = new("orders", "node-1", ["127.0.0.1:1"],
        SessionTtl: TimeSpan.FromSeconds(3), KeepAliveInterval: TimeSpan.FromSeconds(1), OperationTimeout: TimeSpan.FromSeconds(1), null, null);

    [Fact]
    public async Task Is_certain_until_one_ttl_after_the_session_was_confirmed_and_never_after_it_ended()
    {
        var time = new ManualTime();
        using var client = new DistSyncClient("127.0.0.1:1");
        // Not started: no heartbeat confirms anything, so only the creation time counts.
        var hold = new LeaseHold(client, Settings, "s-1", 7, time.GetTimestamp(), null, NoLogger.Instance, time);

        Assert.True(hold.Certain);
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.True(hold.Certain);
        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.False(hold.Certain);

        var fresh = new LeaseHold(client, Settings, "s-2", 8, time.GetTimestamp(), null, NoLogger.Instance, time);
        Assert.True(await fresh.TryEnd());
        Assert.False(fresh.Certain);
        Assert.False(await fresh.TryEnd());
    }
}
