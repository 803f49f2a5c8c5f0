using static DistSync.Cli.Tests.CliHarness;
using DistSync.Cli.Commands;
using DistSync.Client;

namespace DistSync.Cli.Tests;

/// <summary>The lock verbs against a real in-process node.</summary>
public class DsyncLockCliSpec
{
    [Fact]
    public async Task Acquire_for_a_session_status_list_and_release_round_trip_through_the_cli()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);
        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));

        // 1. acquire prints the token
        var acquired = await Run("lock", "acquire", "build", "--session", session.SessionId, "--wait", "0", "--node", node);
        Assert.Equal(0, acquired.Code);
        var token = long.Parse(acquired.Out.Trim().Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(token > 0);

        // 2. status and list show the holder with that token
        var status = await Run("lock", "status", "build", "--node", node);
        Assert.Equal(0, status.Code);
        Assert.Contains("build: exclusive", status.Out);
        Assert.Contains($"holder {session.SessionId} exclusive token {token}", status.Out);
        Assert.Contains("build: exclusive", (await Run("lock", "list", "--node", node)).Out);

        // 3. another session's try-lock fails with conflict
        var other = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));
        var refused = await Run("lock", "acquire", "build", "--session", other.SessionId, "--wait", "0", "--node", node);
        Assert.Equal(ExitCodes.Conflict, refused.Code);
        Assert.Contains("conflict", refused.Err);

        // 4. release; a second release is an error; the list is empty
        Assert.Equal(0, (await Run("lock", "release", "build", "--session", session.SessionId, "--node", node)).Code);
        var again = await Run("lock", "release", "build", "--session", session.SessionId, "--node", node);
        Assert.Equal(ExitCodes.NotFound, again.Code);
        Assert.Contains("does not hold", again.Err);
        Assert.Equal("no locks held or awaited\n", (await Run("lock", "list", "--node", node)).Out);
    }

    [Fact]
    public async Task Acquire_holds_the_lock_with_keepalives_until_cancelled_then_releases_and_deletes_the_session()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        var output = new StringWriter();
        using var stop = new CancellationTokenSource();

        // 1. hold with a 3 s TTL: only keepalives keep it (1 s, the minimum, lost the session once on a CI machine
        //    starved of CPU, where a keepalive every 333 ms came more than 667 ms late)
        var hold = LockCommands.HoldAsync(client, "deploy", shared: false, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(3), output, TextWriter.Null, stop.Token);
        var holder = await Until(async () => (await client.GetLockStatusAsync("deploy")).Holders.FirstOrDefault(), h => h is not null);

        // 2. still the same holder after several TTLs (the keepalives work)
        var laterHolder = holder;
        for (var i = 0; i < 6; i++)
        {
            await Task.Delay(1500); // spans 3 TTLs of log time; the assertion is on state, not on timing
            laterHolder = (await client.GetLockStatusAsync("deploy")).Holders.FirstOrDefault();
            Assert.Equal(holder, laterHolder);
        }

        // 3. cancelling releases the lock and deletes the session
        stop.Cancel();
        Assert.Equal(0, await hold.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal("none", (await client.GetLockStatusAsync("deploy")).Mode);
        Assert.False(await client.DeleteSessionAsync(holder!.SessionId));
        Assert.Contains($"fencing token: {holder.FencingToken}", output.ToString());
        Assert.Contains("released 'deploy'", output.ToString());
    }

    [Fact]
    public async Task A_bad_duration_is_a_usage_error()
    {
        var result = await Run("lock", "acquire", "x", "--wait", "soon", "--node", "127.0.0.1:1");
        Assert.Equal(2, result.Code);
        Assert.Contains("--wait", result.Err);
    }

    private static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException("condition not reached within 30 s");
            await Task.Delay(100);
        }
    }
}
