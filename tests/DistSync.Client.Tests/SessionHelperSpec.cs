using DistSync.Cli.Tests;

namespace DistSync.Client.Tests;

/// <summary><see cref="DistSyncClient.StartSessionAsync"/> against a real node: kept alive, deleted on dispose, loss reported.</summary>
public class SessionHelperSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_started_session_outlives_three_ttls_by_its_keepalives_and_dispose_deletes_it_releasing_its_lock()
    {
        // 1. a session with a 3 s TTL holds a lock (not the 1 s minimum: a CPU-starved CI machine can delay a keepalive past it)
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        var session = await client.StartSessionAsync(TimeSpan.FromSeconds(3));
        var granted = await client.AcquireAsync("r", session.SessionId);

        // 2. ten keepalives at TTL/3 apart span more than three TTLs; the session and its hold are still there
        await Until(() => session.KeepAlives >= 10, "ten keepalives");
        Assert.False(session.Lost.IsCancellationRequested);
        var holder = Assert.Single((await client.GetLockStatusAsync("r")).Holders);
        Assert.Equal((session.SessionId, granted.FencingToken), (holder.SessionId, holder.FencingToken));

        // 3. disposing deletes the session: the lock is free and the session unknown
        await session.DisposeAsync();
        Assert.Equal("none", (await client.GetLockStatusAsync("r")).Mode);
        await Assert.ThrowsAsync<SessionNotFoundException>(() => client.KeepAliveAsync(session.SessionId));
    }

    [Fact]
    public async Task A_session_deleted_behind_the_helpers_back_is_reported_through_Lost()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        await using var session = await client.StartSessionAsync(TimeSpan.FromSeconds(3));

        Assert.True(await client.DeleteSessionAsync(session.SessionId));

        await Until(() => session.Lost.IsCancellationRequested, "the loss is reported");
        Assert.IsType<SessionNotFoundException>(session.LostReason);
    }

    private static async Task Until(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what}: not within {Patience.TotalSeconds} s");
            await Task.Delay(50);
        }
    }
}
