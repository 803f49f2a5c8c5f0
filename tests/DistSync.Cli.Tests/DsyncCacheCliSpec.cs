using static DistSync.Cli.Tests.CliHarness;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary>
/// The cache verbs' parsing, usage errors and output against a canned HTTP node (fixed answers per route, requests
/// recorded): no DistSync node needed.
/// </summary>
public class DsyncCacheCliSpec
{
    private const string StatsJson = """
        {"nodeId":"n2","lines":1200,"capacity":10000,"bytes":123456,"maxBytes":67108864,"hits":900,"misses":100,"hitRate":0.9,
         "evictions":3,"invalidationsSent":17,"invalidationsReceived":5,"byState":{"M":4,"E":10,"S":1180,"I":6},"writePolicy":"write-through"}
        """;

    private static string Problem(int status, string title, string detail) =>
        $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}"}""";

    [Fact]
    public async Task Help_lists_the_cache_verbs()
    {
        var (code, output, _) = await Run("cache", "--help");

        Assert.Equal(0, code);
        foreach (var verb in new[] { "get", "put", "invalidate", "stats" }) Assert.Contains(verb, output);
        Assert.Contains("cache", (await Run("--help")).Out);
    }

    [Theory]
    [InlineData("--fence-resource", "put", "k", "v", "--fence-token", "3")]
    [InlineData("--fence-token", "put", "k", "v", "--fence-resource", "writer")]
    [InlineData("fencing token", "put", "k", "v", "--fence-resource", "writer", "--fence-token", "0")]
    [InlineData("resource", "put", "k", "v", "--fence-resource", "", "--fence-token", "3")]
    [InlineData("key", "get", "")]
    [InlineData("key", "put", "", "v")]
    [InlineData("key", "invalidate", "")]
    public async Task Bad_input_is_a_usage_error_naming_it_before_any_request(string named, params string[] args)
    {
        // Nothing listens on this port: a request would end in exit code 5 (unavailable), not 2.
        var (code, output, err) = await Run(["cache", .. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}"]);

        Assert.Equal(2, code);
        Assert.Contains(named, err);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("get")]
    [InlineData("put", "k")]
    [InlineData("invalidate")]
    public async Task A_missing_argument_is_refused(params string[] args)
    {
        var (code, _, err) = await Run(["cache", .. args, "--node", "127.0.0.1:1"]);

        Assert.NotEqual(0, code);
        Assert.Contains("argument", err, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("get", "k")]
    [InlineData("put", "k", "v")]
    [InlineData("invalidate", "k")]
    [InlineData("stats")]
    public async Task An_unreachable_node_gives_one_clear_error_line_and_exit_code_unavailable(params string[] args)
    {
        var (code, output, err) = await Run(["cache", .. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}", "--timeout", "5"]);

        Assert.Equal(ExitCodes.Unavailable, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot reach DistSync node at 127.0.0.1:", line);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData(true, "S", "state: S (hit)")]
    [InlineData(false, "E", "state: E (miss)")]
    public async Task Get_prints_the_value_then_the_lines_state_and_whether_it_hit(bool hit, string state, string second)
    {
        await using var node = await CannedNode.StartAsync(("GET /cache/read/user/42%20x", 200, $$"""{"key":"user/42 x","value":"Ada","state":"{{state}}","hit":{{(hit ? "true" : "false")}}}"""));

        var (code, output, err) = await Run("cache", "get", "user/42 x", "--node", node.Address);

        Assert.True(code == 0, err);
        Assert.Equal($"Ada\n{second}\n", output);
        Assert.Equal(["GET /cache/read/user/42%20x"], node.Requests.Select(r => r.Route));
    }

    [Fact]
    public async Task Get_with_json_prints_the_apis_object()
    {
        await using var node = await CannedNode.StartAsync(("GET /cache/read/k", 200, """{"key":"k","value":"line1\nline2","state":"M","hit":true}"""));

        var (code, output, err) = await Run("cache", "get", "k", "--json", "--node", node.Address);

        Assert.True(code == 0, err);
        Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(new CacheReadResponse("k", "line1\nline2", "M", true), JsonSerializer.Deserialize<CacheReadResponse>(output, DistSyncJson.Options));
    }

    [Fact]
    public async Task Get_of_a_missing_key_is_exit_code_not_found_naming_it_as_kv_get_does()
    {
        await using var node = await CannedNode.StartAsync(("GET /cache/read/nope", 404, Problem(404, "not found", "no key 'nope'")));

        var (code, output, err) = await Run("cache", "get", "nope", "--node", node.Address);

        Assert.Equal(ExitCodes.NotFound, code);
        Assert.Equal("", output);
        Assert.Equal("error: no key 'nope'", err.Trim());
    }

    [Fact]
    public async Task A_node_without_the_cache_routes_is_an_error_saying_so_not_a_missing_key()
    {
        await using var node = await CannedNode.StartAsync();

        var (code, output, err) = await Run("cache", "get", "k", "--node", node.Address);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", output);
        Assert.Contains("does not serve this route", err);
    }

    [Fact]
    public async Task Put_posts_key_value_and_fence_and_prints_the_state()
    {
        await using var node = await CannedNode.StartAsync(("POST /cache/write", 200, """{"key":"k","state":"M"}"""));

        var (code, output, err) = await Run("cache", "put", "k", "v 1", "--fence-resource", "writer", "--fence-token", "42", "--node", node.Address);

        Assert.True(code == 0, err);
        Assert.Equal("state: M\n", output);
        var sent = JsonSerializer.Deserialize<CacheWriteRequest>(Assert.Single(node.Requests).Body, DistSyncJson.Options);
        Assert.Equal(new CacheWriteRequest("k", "v 1", new FenceToken("writer", 42)), sent);
    }

    [Fact]
    public async Task A_put_with_a_stale_fence_is_exit_code_conflict_saying_stale_fence()
    {
        await using var node = await CannedNode.StartAsync(("POST /cache/write", 409, Problem(409, "fencing token 3 of 'writer' is stale", "stale-fence")));

        var (code, output, err) = await Run("cache", "put", "k", "v", "--fence-resource", "writer", "--fence-token", "3", "--node", node.Address);

        Assert.Equal(ExitCodes.Conflict, code);
        Assert.Equal("", output);
        Assert.StartsWith("error: write to 'k' refused: stale-fence", err);
    }

    [Theory]
    [InlineData(2, true, "invalidated 2 copies; value deleted from the store")]
    [InlineData(1, true, "invalidated 1 copy; value deleted from the store")]
    [InlineData(0, false, "invalidated 0 copies; the store held no value")]
    public async Task Invalidate_prints_the_copies_and_whether_the_store_held_a_value(int copies, bool deleted, string line)
    {
        await using var node = await CannedNode.StartAsync(
            ("DELETE /cache/invalidate/a/b%3F", 200, $$"""{"key":"a/b?","copiesInvalidated":{{copies}},"deleted":{{(deleted ? "true" : "false")}}}"""));

        var (code, output, err) = await Run("cache", "invalidate", "a/b?", "--node", node.Address);

        Assert.True(code == 0, err);
        Assert.Equal(line + "\n", output);
    }

    [Fact]
    public async Task Stats_is_a_table_of_every_figure_with_the_hit_rate_in_percent()
    {
        await using var node = await CannedNode.StartAsync(("GET /cache/stats", 200, StatsJson));

        var (code, output, err) = await Run("cache", "stats", "--node", node.Address);

        Assert.True(code == 0, err);
        Assert.StartsWith("cache of n2\n", output);
        var rows = output.Split('\n');
        string Row(string label) => Assert.Single(rows, r => r.Contains(label, StringComparison.Ordinal));
        Assert.Contains("1,200 / 10,000", Row("lines / capacity"));
        Assert.Contains("123,456 / 67,108,864", Row("bytes / max"));
        Assert.Contains("900", Row("hits"));
        Assert.Contains("100", Row("misses"));
        Assert.Contains("90.0 %", Row("hit rate"));
        Assert.Contains("3", Row("evictions"));
        Assert.Contains("17 / 5", Row("invalidations sent / received"));
        Assert.Contains("M 4  E 10  S 1,180  I 6", Row("by state"));
        Assert.Contains("write-through", Row("write policy"));
    }

    [Fact]
    public async Task Stats_with_json_prints_the_apis_object()
    {
        await using var node = await CannedNode.StartAsync(("GET /cache/stats", 200, StatsJson));

        var (code, output, err) = await Run("cache", "stats", "--json", "--node", node.Address);

        Assert.True(code == 0, err);
        var stats = JsonSerializer.Deserialize<CacheStatsResponse>(output, DistSyncJson.Options)!;
        Assert.Equal(("n2", 900L, 100L, new CacheStateCounts(4, 10, 1180, 6)), (stats.NodeId, stats.Hits, stats.Misses, stats.ByState));
    }

    [Theory]
    [InlineData(0.0, "0.0 %")]
    [InlineData(0.7345, "73.5 %")]
    [InlineData(1.0, "100.0 %")]
    [InlineData(double.NaN, "-")]
    public void The_hit_rate_fraction_is_shown_in_percent(double fraction, string text) =>
        Assert.Equal(text, CacheCommands.FormatHitRate(fraction));
}
