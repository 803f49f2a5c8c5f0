using static DistSync.Cli.Tests.CliHarness;
namespace DistSync.Cli.Tests;

/// <summary>The kv, raft and cluster verbs against real in-process nodes.</summary>
public class DsyncKvAndRaftCliSpec
{
    [Fact]
    public async Task Kv_put_get_compare_and_set_and_delete_round_trip_through_the_cli()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);

        var put = await Run("kv", "put", "color", "blue", "--node", node);
        Assert.Equal(0, put.Code);
        var version = long.Parse(put.Out.Trim().Split(": ")[1], System.Globalization.CultureInfo.InvariantCulture);

        var get = await Run("kv", "get", "color", "--node", node);
        Assert.Equal(0, get.Code);
        Assert.Equal($"blue\nversion: {version}\n", get.Out.Replace("\r", ""));
        Assert.Equal(0, (await Run("kv", "get", "color", "--consistency", "local", "--node", node)).Code);

        var mismatch = await Run("kv", "put", "color", "red", "--expected-version", (version + 5).ToString(System.Globalization.CultureInfo.InvariantCulture), "--node", node);
        Assert.Equal(ExitCodes.Conflict, mismatch.Code);
        Assert.Contains("version-mismatch", mismatch.Err);

        var cas = await Run("kv", "put", "color", "red", "--expected-version", version.ToString(System.Globalization.CultureInfo.InvariantCulture), "--node", node);
        Assert.Equal(0, cas.Code);

        Assert.Equal("deleted\n", (await Run("kv", "delete", "color", "--node", node)).Out.Replace("\r", ""));
        var missing = await Run("kv", "get", "color", "--node", node);
        Assert.Equal(ExitCodes.NotFound, missing.Code);
        Assert.Equal("error: no key 'color'", missing.Err.Trim());
    }

    [Fact]
    public async Task A_bad_consistency_is_a_usage_error()
    {
        var (code, _, err) = await Run("kv", "get", "k", "--consistency", "eventual", "--node", "127.0.0.1:1");

        Assert.NotEqual(0, code);
        Assert.Contains("eventual", err);
    }

    [Fact]
    public async Task Raft_status_from_a_follower_shows_every_members_match_index_from_the_leader()
    {
        await using var nodes = await LocalNodes.StartAsync(3);
        var leader = await nodes.WaitForLeaderAsync();
        var follower = (leader + 1) % 3;
        Assert.Equal(0, (await Run("kv", "put", "k", "v", "--node", nodes.Address(leader))).Code);
        await nodes.WaitUntilFollowerKnowsLeaderHttpAsync(follower, leader);

        var (code, output, err) = await Run("raft", "status", "--node", nodes.Address(follower));

        Assert.True(code == 0, err);
        var leaderId = nodes.Nodes[leader].Settings.NodeId;
        Assert.Contains($"node {nodes.Nodes[follower].Settings.NodeId}, group 0: follower", output);
        Assert.Contains($"leader {leaderId}", output);
        Assert.Contains("commit index", output);
        Assert.Contains($"{leaderId} (leader)", output);
        Assert.Contains("match index", output);
        Assert.DoesNotContain("progress unknown", output);
        foreach (var n in nodes.Nodes) Assert.Contains(n.Settings.NodeId, output);
    }

    [Fact]
    public async Task Transfer_leader_and_cluster_down_name_unknown_members_as_errors()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();

        var transfer = await Run("raft", "transfer-leader", "n9", "--node", nodes.Address(0));
        var down = await Run("cluster", "down", "n9", "--node", nodes.Address(0));

        Assert.Equal(ExitCodes.NotFound, transfer.Code);
        Assert.Contains("404", transfer.Err);
        Assert.Contains("n9", transfer.Err);
        Assert.Equal(ExitCodes.NotFound, down.Code);
        Assert.Contains("n9", down.Err);
    }
}
