using DistSync.Client;
using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary>The session verbs, <c>cluster show</c>'s role and kind columns, and one frame of <c>top</c>, on a real node.</summary>
public class DsyncSessionTopCliSpec
{
    [Fact]
    public async Task Session_create_keepalive_list_and_delete_round_trip_and_a_deleted_session_is_not_found()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        // 1. create; the id is the first line
        var created = await Run("session", "create", "--ttl", "30s", "--node", node);
        Assert.True(created.Code == 0, created.Err);
        var id = created.Out.Split('\n')[0];

        // 2. an idle session is not listed (the API has no session list); one holding a lock is
        Assert.Contains("no session holds or awaits a lock", (await Run("session", "list", "--node", node)).Out);
        Assert.Equal(0, (await Run("lock", "acquire", "db", "--session", id, "--wait", "0", "--node", node)).Code);
        var listed = await Run("session", "list", "--node", node);
        Assert.Contains(id, listed.Out);
        Assert.Contains("db (exclusive, token", listed.Out);

        // 3. keepalive, delete; then both are not found
        Assert.Equal(0, (await Run("session", "keepalive", id, "--node", node)).Code);
        Assert.Equal($"deleted session {id}\n", (await Run("session", "delete", id, "--node", node)).Out);
        Assert.Equal(ExitCodes.NotFound, (await Run("session", "keepalive", id, "--node", node)).Code);
        Assert.Equal(ExitCodes.NotFound, (await Run("session", "delete", id, "--node", node)).Code);
        using var client = new DistSyncClient(node);
        Assert.Equal("none", (await client.GetLockStatusAsync("db")).Mode);
    }

    [Fact]
    public async Task Cluster_show_has_separate_role_and_kind_columns_and_top_once_prints_every_part()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);
        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(60));
        await client.AcquireAsync("build", session.SessionId);
        await client.ProduceAsync("jobs", "p");
        await client.PublishAsync("news", "hello");

        var show = await Run("cluster", "show", "--node", node);
        Assert.True(show.Code == 0, show.Err);
        Assert.Matches(@"role\W+kind", show.Out);
        Assert.Matches(@"n1\W.*\Wleader\W+voter", show.Out);

        var top = await Run("top", "--once", "--node", node);
        Assert.True(top.Code == 0, top.Err);
        Assert.Contains("leader n1", top.Out);
        Assert.Contains("locks: 1 held, 0 waiting", top.Out);
        Assert.Contains("build", top.Out);
        Assert.Contains("jobs", top.Out);
        Assert.Contains("hit rate", top.Out);
        Assert.Contains("news", top.Out);
        Assert.DoesNotContain("unknown", top.Out);
    }

    [Fact]
    public async Task Subscribe_with_a_session_ends_with_exit_code_not_found_once_the_session_is_deleted()
    {
        // 1. a topic with one message, a session, and a subscription tied to it
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);
        await client.PublishAsync("room", "hello");
        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(60));
        var run = Run("broadcast", "subscribe", "room", "--session", session.SessionId, "--node", node);

        // 2. once the stream is open (the node counts it), the session is deleted
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while ((await client.TopicsAsync()).Single(t => t.Topic == "room").Subscribers == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the subscription did not open within 60 s");
            await Task.Delay(50);
        }
        Assert.True(await client.DeleteSessionAsync(session.SessionId));

        // 3. the subscription ends: what it printed, and not found
        var (code, output, err) = await run.WaitAsync(TimeSpan.FromSeconds(60));
        Assert.Equal("[1] hello\n", output);
        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Contains(session.SessionId, err);
    }
}
