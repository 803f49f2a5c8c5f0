using static DistSync.Cli.Tests.CliHarness;
using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary><c>dsync kv list|watch|txn</c>, <c>kv put --session</c> and <c>dsync elect</c> against a real in-process node.</summary>
public class DsyncKvRangeWatchTxnCliSpec
{
    [Fact]
    public async Task Kv_list_prints_a_prefix_in_order_pages_with_limit_counts_and_prints_json()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        foreach (var (key, value) in new[] { ("app/b", "2"), ("app/a", "1"), ("app/c", "three\nlines"), ("other", "x") })
            Assert.Equal(0, (await Run("kv", "put", key, value, "--node", node)).Code);

        var list = await Run("kv", "list", "--prefix", "app/", "--node", node);
        Assert.True(list.Code == 0, list.Err);
        var lines = list.Out.TrimEnd('\n').Split('\n');
        Assert.Equal(["app/a = 1", "app/b = 2", "app/c = three\\nlines"], lines.Select(l => l[..l.IndexOf(" (version", StringComparison.Ordinal)]));

        var page = await Run("kv", "list", "--prefix", "app/", "--limit", "2", "--node", node);
        Assert.EndsWith("(more keys: --after app/b)\n", page.Out);
        var next = await Run("kv", "list", "--prefix", "app/", "--after", "app/b", "--node", node);
        Assert.StartsWith("app/c = ", next.Out);

        Assert.Equal("count: 3\n", (await Run("kv", "list", "--prefix", "app/", "--count", "--node", node)).Out);
        Assert.Equal("count: 4\n", (await Run("kv", "list", "--count", "--node", node)).Out);

        var json = JsonSerializer.Deserialize<KvRangeResponse>((await Run("kv", "list", "--from", "app/b", "--to", "other", "-o", "json", "--node", node)).Out, DistSyncJson.Options)!;
        Assert.Equal(["app/b", "app/c"], json.Kvs.Select(k => k.Key));
        Assert.False(json.More);
    }

    [Fact]
    public async Task Kv_txn_exits_0_when_the_compares_held_and_4_when_they_failed_printing_the_results()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        var file = Path.Combine(Path.GetTempPath(), $"dsync-txn-{Guid.NewGuid():N}.json");
        try
        {
            await File.WriteAllTextAsync(file, """
                {"compare":[{"key":"cfg","version":0}],
                 "success":[{"op":"put","key":"cfg","value":"v1"},{"op":"get","key":"cfg"}],
                 "failure":[{"op":"get","key":"cfg"}]}
                """);

            var first = await Run("kv", "txn", "--file", file, "--node", node);
            Assert.True(first.Code == 0, first.Err);
            var out1 = first.Out.Split('\n');
            Assert.StartsWith("succeeded (version ", out1[0]);
            Assert.StartsWith("put cfg: version ", out1[1]);
            Assert.StartsWith("get cfg = v1 (version ", out1[2]);

            var second = await Run("kv", "txn", "--file", file, "-o", "json", "--node", node);
            Assert.Equal(ExitCodes.Conflict, second.Code);
            var answer = JsonSerializer.Deserialize<KvTxnResponse>(second.Out, DistSyncJson.Options)!;
            Assert.False(answer.Succeeded);
            Assert.Equal(("get", true, "v1"), (answer.Results[0].Op, answer.Results[0].Found, answer.Results[0].Value));

            await File.WriteAllTextAsync(file, "{not json");
            Assert.Equal(ExitCodes.Usage, (await Run("kv", "txn", "--file", file, "--node", node)).Code);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Kv_put_with_a_session_writes_an_ephemeral_key_that_ends_with_the_session_and_an_unknown_session_exits_3()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);
        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));

        var put = await Run("kv", "put", "worker/1", "busy", "--session", session.SessionId, "--node", node);
        Assert.True(put.Code == 0, put.Err);
        Assert.Contains($"session {session.SessionId}", (await Run("kv", "list", "--prefix", "worker/", "--node", node)).Out);

        await client.DeleteSessionAsync(session.SessionId);
        Assert.Equal(ExitCodes.NotFound, (await Run("kv", "get", "worker/1", "--node", node)).Code);
        Assert.Equal(ExitCodes.NotFound, (await Run("kv", "put", "worker/1", "busy", "--session", session.SessionId, "--node", node)).Code);
    }

    [Fact]
    public async Task Kv_watch_prints_each_change_as_a_line_until_cancelled()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);
        var before = await client.PutAsync("jobs/1", "queued");

        // From the version of the first write: it is replayed, then the live changes follow.
        var output = new LockedWriter();
        var error = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var watching = KvCommands.WatchAsync(client, new KvCommands.WatchSettings(KvRange.Prefix("jobs/"), before.Version, PrevValue: true, Json: false),
            output, error, stop.Token);
        await output.WaitForAsync($"[{before.Version}] put jobs/1 = queued");
        var done = await client.PutAsync("jobs/1", "done");
        await client.PutAsync("unwatched", "x");
        await client.DeleteAsync("jobs/1");
        await output.WaitForTextAsync("delete jobs/1");
        await stop.CancelAsync();

        Assert.Equal(0, await watching);
        var lines = output.Text.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal($"[{done.Version}] put jobs/1 = done (was: queued)", lines[1]);
        Assert.Matches(@"^\[\d+\] delete jobs/1 \(was: done\)$", lines[2]);
        Assert.Contains($"from version {before.Version}", error.Text);
    }

    [Fact]
    public async Task Kv_watch_with_json_prints_one_event_object_per_line()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        var written = await client.PutAsync("k", "v");
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var watching = KvCommands.WatchAsync(client, new KvCommands.WatchSettings(KvRange.Key("k"), written.Version, false, Json: true), output, TextWriter.Null, stop.Token);
        await output.WaitForTextAsync("\"key\":\"k\"");
        await stop.CancelAsync();
        Assert.Equal(0, await watching);

        var change = JsonSerializer.Deserialize<KvWatchEvent>(output.Text.Trim(), DistSyncJson.Options)!;
        Assert.Equal(("put", "k", "v", written.Version), (change.Type, change.Key, change.Value, change.Version));
    }

    [Fact]
    public async Task Elect_prints_when_it_leads_holds_until_cancelled_and_then_resigns()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        using var client = new DistSyncClient(nodes.Address(0));
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource();

        var holding = ElectCommand.HoldAsync(client, "scheduler", "me", TimeSpan.FromSeconds(10), output, TextWriter.Null, json: false, stop.Token);
        await output.WaitForTextAsync("leader of 'scheduler' as 'me'");
        Assert.Equal("me", (await client.Election("scheduler").LeaderAsync())!.Value);
        await stop.CancelAsync();

        Assert.Equal(0, await holding.WaitAsync(TimeSpan.FromSeconds(60)));
        Assert.EndsWith("resigned from 'scheduler'\n", output.Text);
        Assert.Null(await client.Election("scheduler").LeaderAsync());
    }

    [Theory]
    [InlineData("kv", "watch", "--key", "a", "--prefix", "b")]
    [InlineData("kv", "list", "--prefix", "a", "--from", "b")]
    [InlineData("kv", "list", "--limit", "0")]
    public async Task Conflicting_or_bad_range_options_are_usage_errors(params string[] args)
    {
        var (code, _, err) = await Run([.. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}"]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("error: ", err);
    }
}
