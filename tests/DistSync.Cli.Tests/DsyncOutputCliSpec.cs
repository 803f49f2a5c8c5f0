using System.Text.Json;
using DistSync.Client;
using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary><c>-o json</c> on every verb, human-readable times in text, and one node among several being down.</summary>
public class DsyncOutputCliSpec
{
    [Fact]
    public async Task Every_verb_prints_one_line_of_json_with_o_json_and_reads_carry_the_nodes_fields()
    {
        // 1. one node with a key, a held lock, a queue message, a cached key and a topic
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        using var client = new DistSyncClient(node);
        var session = await client.CreateSessionAsync(TimeSpan.FromSeconds(60));
        await client.AcquireAsync("res", session.SessionId);
        await client.ProduceAsync("jobs", "p");
        await client.CacheWriteAsync("ck", "cv");
        await client.PublishAsync("news", "hello");

        async Task<JsonElement> Json(params string[] args)
        {
            var (code, output, err) = await Run([.. args, "-o", "json", "--node", node]);
            Assert.True(code == 0, $"{string.Join(' ', args)}: {err}");
            var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            return JsonDocument.Parse(line).RootElement.Clone();
        }

        // 2. reads: the node's answer, field for field as the API names them
        Assert.Equal("n1", (await Json("status")).GetProperty("nodeId").GetString());
        Assert.Equal("n1", (await Json("cluster", "show")).GetProperty("status").GetProperty("members")[0].GetProperty("nodeId").GetString());
        Assert.Equal(0, (await Json("raft", "status")).GetProperty("groups")[0].GetProperty("groupId").GetInt32());
        Assert.Equal("res", (await Json("lock", "status", "res")).GetProperty("resource").GetString());
        Assert.Equal(session.SessionId, (await Json("lock", "list"))[0].GetProperty("holders")[0].GetProperty("sessionId").GetString());
        Assert.Equal(session.SessionId, (await Json("session", "list"))[0].GetProperty("sessionId").GetString());
        Assert.Equal("jobs", (await Json("queue", "list"))[0].GetProperty("queue").GetString());
        Assert.Equal("jobs", (await Json("queue", "stats", "jobs")).GetProperty("queue").GetString());
        Assert.True((await Json("cache", "stats")).TryGetProperty("hitRate", out _));
        Assert.Equal("cv", (await Json("cache", "get", "ck")).GetProperty("value").GetString());
        Assert.Equal("news", (await Json("broadcast", "topics"))[0].GetProperty("topic").GetString());
        Assert.Equal("hello", (await Json("broadcast", "read", "news")).GetProperty("payload").GetString());
        Assert.Equal("n1", (await Json("top", "--once")).GetProperty("status").GetProperty("nodeId").GetString());

        // 3. writes: their result objects
        var put = await Json("kv", "put", "k", "v");
        Assert.True(put.GetProperty("version").GetInt64() > 0);
        Assert.Equal(put.GetProperty("version").GetInt64(), (await Json("kv", "get", "k")).GetProperty("version").GetInt64());
        Assert.True((await Json("kv", "delete", "k")).GetProperty("deleted").GetBoolean());
        Assert.Equal("M", (await Json("cache", "put", "ck", "v2")).GetProperty("state").GetString());
        Assert.True((await Json("broadcast", "publish", "news", "x")).GetProperty("seq").GetInt64() > 1);
        Assert.False(string.IsNullOrEmpty((await Json("queue", "produce", "jobs", "q")).GetProperty("messageId").GetString()));
        var created = await Json("session", "create", "--ttl", "30s");
        var id = created.GetProperty("sessionId").GetString()!;
        Assert.Equal(30_000, created.GetProperty("ttlMs").GetInt64());
        Assert.True((await Json("session", "keepalive", id)).GetProperty("expiresInMs").GetInt64() > 0);
        Assert.True((await Json("lock", "acquire", "other", "--session", id, "--wait", "0")).GetProperty("fencingToken").GetInt64() > 0);
        Assert.True((await Json("lock", "release", "other", "--session", id)).GetProperty("released").GetBoolean());
        Assert.True((await Json("session", "delete", id)).GetProperty("deleted").GetBoolean());
    }

    [Fact]
    public async Task Text_mode_shows_ttls_and_hold_times_as_durations_and_grant_times_as_iso_8601()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        var created = await Run("session", "create", "--ttl", "10s", "--node", node);
        Assert.True(created.Code == 0, created.Err);
        var id = created.Out.Split('\n')[0];
        Assert.Contains("ttl: 10s", created.Out);
        Assert.Matches(@"session \S+ expires in \d+(\.\d)?s", (await Run("session", "keepalive", id, "--node", node)).Out);
        Assert.Equal(0, (await Run("lock", "acquire", "r", "--session", id, "--wait", "0", "--node", node)).Code);

        var status = await Run("lock", "status", "r", "--node", node);

        Assert.Matches(@"held \d+(ms|(\.\d)?s) \(since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d\)", status.Out);
    }

    [Fact]
    public async Task Endpoints_skip_a_node_that_is_down_and_env_DSYNC_ENDPOINTS_names_them_when_no_option_does()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var endpoints = $"127.0.0.1:{ClosedLoopbackPort()},{nodes.Address(0)}";

        var viaOption = await Run("status", "--endpoints", endpoints);
        Assert.True(viaOption.Code == 0, viaOption.Err);
        Assert.Contains("node:         n1", viaOption.Out);

        var parse = DsyncCli.Build(TextWriter.Null).Parse(["status"]);
        Environment.SetEnvironmentVariable("DSYNC_ENDPOINTS", endpoints);
        try
        {
            Assert.Equal(endpoints.Split(','), DsyncCli.EndpointsFor(parse));
        }
        finally
        {
            Environment.SetEnvironmentVariable("DSYNC_ENDPOINTS", null);
        }
    }

    [Fact]
    public async Task Node_and_endpoints_together_is_a_usage_error()
    {
        var (code, _, err) = await Run("status", "--node", "127.0.0.1:1", "--endpoints", "127.0.0.1:2");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("--node or --endpoints", err);
    }

    [Fact]
    public async Task Status_fields_this_cli_does_not_know_are_passed_on_in_json_and_a_members_role_and_kind_are_used_when_sent()
    {
        const string status = """
            {"nodeId":"n1","role":"follower","term":4,"leader":"n2","commitIndex":9,"lastApplied":9,"zone":"eu-1",
             "members":[{"nodeId":"n2","address":"dsync://dsync@h:2","status":"up","phi":0.5,"raft":"leader","role":"leader","kind":"learner","rack":"r7"}],
             "groups":[]}
            """;
        await using var node = await CannedNode.StartAsync(("GET /status", 200, status));

        var json = await Run("status", "-o", "json", "--node", node.Address);
        var shown = await Run("cluster", "show", "--node", node.Address);

        Assert.True(json.Code == 0, json.Err);
        var root = JsonDocument.Parse(json.Out).RootElement;
        Assert.Equal("eu-1", root.GetProperty("zone").GetString());
        Assert.Equal("r7", root.GetProperty("members")[0].GetProperty("rack").GetString());
        Assert.True(shown.Code == 0, shown.Err);
        Assert.Matches(@"n2\W.*\Wleader\W+learner", shown.Out);
    }
}
