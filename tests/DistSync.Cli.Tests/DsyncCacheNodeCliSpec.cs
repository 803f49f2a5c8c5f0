using static DistSync.Cli.Tests.CliHarness;
using System.Globalization;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary>The cache verbs against real in-process nodes: they need the node's <c>/cache/*</c> routes (API.md Cache).</summary>
public class DsyncCacheNodeCliSpec
{
    /// <summary>The figure in the stats table's row <paramref name="label"/> (the first number after the label).</summary>
    private static long Figure(string table, string label)
    {
        var row = Assert.Single(table.Split('\n'), r => r.Contains(label, StringComparison.Ordinal));
        var after = row[(row.IndexOf(label, StringComparison.Ordinal) + label.Length)..];
        var digits = new string(after.SkipWhile(c => !char.IsDigit(c)).TakeWhile(c => char.IsDigit(c) || c == ',').Where(char.IsDigit).ToArray());
        return long.Parse(digits, CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Put_get_stats_and_invalidate_round_trip_through_the_cli()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        // 1. put answers once written: the line is M
        var put = await Run("cache", "put", "user/42", "Ada Lovelace", "--node", node);
        Assert.True(put.Code == 0, put.Err);
        Assert.Equal("state: M\n", put.Out);

        // 2. get shows the value from the writer's own line: a hit
        var get = await Run("cache", "get", "user/42", "--node", node);
        Assert.True(get.Code == 0, get.Err);
        Assert.Equal("Ada Lovelace\nstate: M (hit)\n", get.Out);
        var json = await Run("cache", "get", "user/42", "--json", "--node", node);
        Assert.Equal(new CacheReadResponse("user/42", "Ada Lovelace", "M", true), JsonSerializer.Deserialize<CacheReadResponse>(json.Out, DistSyncJson.Options));

        // 3. stats counts the hits and the line
        var stats = await Run("cache", "stats", "--node", node);
        Assert.True(stats.Code == 0, stats.Err);
        Assert.Contains($"cache of {nodes.Nodes[0].Settings.NodeId}", stats.Out);
        Assert.True(Figure(stats.Out, "hits") >= 2, stats.Out);
        Assert.Equal(1, Figure(stats.Out, "lines / capacity"));
        Assert.Contains("M 1", stats.Out);

        // 4. invalidate removes the copy; then the key is not found anywhere (nor in the KV)
        var invalidated = await Run("cache", "invalidate", "user/42", "--node", node);
        Assert.True(invalidated.Code == 0, invalidated.Err);
        Assert.StartsWith("invalidated 1 copy; ", invalidated.Out);
        var missing = await Run("cache", "get", "user/42", "--node", node);
        Assert.Equal(ExitCodes.NotFound, missing.Code);
        Assert.Equal("", missing.Out);
        Assert.Equal("error: no key 'user/42'", missing.Err.Trim());
        using var client = new DistSyncClient(node);
        Assert.Null(await client.GetAsync("user/42"));
    }

    [Fact]
    public async Task A_key_written_on_one_node_is_read_on_another_and_then_hits_there()
    {
        await using var nodes = await LocalNodes.StartAsync(3);
        await nodes.WaitForLeaderAsync();
        await nodes.WaitForCacheHomesAsync();

        // 1. written on n1
        var put = await Run("cache", "put", "color", "blue", "--node", nodes.Address(0));
        Assert.True(put.Code == 0, put.Err);

        // 2. n2 misses and gets the value; n1 was downgraded, so both share it
        var first = await Run("cache", "get", "color", "--node", nodes.Address(1));
        Assert.True(first.Code == 0, first.Err);
        Assert.Equal("blue\nstate: S (miss)\n", first.Out);

        // 3. the second read on n2 is a hit
        Assert.Equal("blue\nstate: S (hit)\n", (await Run("cache", "get", "color", "--node", nodes.Address(1))).Out);

        // 4. a write on n3 invalidates both copies; n2 then reads the new value
        Assert.Equal(0, (await Run("cache", "put", "color", "red", "--node", nodes.Address(2))).Code);
        var after = await Run("cache", "get", "color", "--node", nodes.Address(1));
        Assert.True(after.Code == 0, after.Err);
        Assert.StartsWith("red\nstate: S (miss)\n", after.Out);
    }

    [Fact]
    public async Task A_put_fenced_with_an_older_grant_is_refused_as_stale_fence()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);

        // 1. two successive grants of the lock 'writer'
        var first = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));
        var older = (await client.AcquireAsync("writer", first.SessionId)).FencingToken;
        Assert.True(await client.ReleaseAsync("writer", first.SessionId));
        var second = await client.CreateSessionAsync(TimeSpan.FromSeconds(30));
        var newer = (await client.AcquireAsync("writer", second.SessionId)).FencingToken;
        Assert.True(newer > older);

        // 2. the newer holder writes; the older token is refused and the value stays the newer holder's
        string[] Fenced(long token) =>
            ["cache", "put", "ledger", $"by {token}", "--fence-resource", "writer", "--fence-token", token.ToString(CultureInfo.InvariantCulture), "--node", node];
        var accepted = await Run(Fenced(newer));
        Assert.True(accepted.Code == 0, accepted.Err);
        var refused = await Run(Fenced(older));
        Assert.Equal(ExitCodes.Conflict, refused.Code);
        Assert.Equal("", refused.Out);
        Assert.Contains("stale-fence", refused.Err);
        Assert.Equal($"by {newer}", (await client.CacheReadAsync("ledger"))!.Value);
    }
}
