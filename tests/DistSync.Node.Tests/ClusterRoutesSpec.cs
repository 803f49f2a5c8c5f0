using System.Net;
using DistSync.Client;

namespace DistSync.Node.Tests;

/// <summary>Raft status, leader transfer and removing a member through the HTTP API, on three in-process nodes.</summary>
public class ClusterRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Raft_status_on_the_leader_lists_every_follower_with_its_match_index()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var put = await cluster.Clients[leader].PutAsync("k", "v");

        var status = await Eventually.Until(() => cluster.Clients[leader].GetRaftStatusAsync(),
            s => s.Groups[0].Followers.Count == 2 && s.Groups[0].Followers.All(f => f.MatchIndex >= put.Version), Patience, "followers caught up");

        var group = Assert.Single(status.Groups);
        Assert.Equal("leader", group.Role);
        Assert.Equal(3, group.Members.Count);
        Assert.All(group.Members, m => Assert.Equal("voter", m.Kind));
        Assert.Equal(cluster.Nodes[leader].HttpAddress.Authority, status.LeaderHttp);

        // A follower names the leader's HTTP endpoint, where the follower table is.
        var fromFollower = await cluster.Clients[(leader + 1) % 3].GetRaftStatusAsync();
        Assert.Equal("follower", fromFollower.Groups[0].Role);
        Assert.Empty(fromFollower.Groups[0].Followers);
        Assert.Equal(cluster.Nodes[leader].HttpAddress.Authority, fromFollower.LeaderHttp);
    }

    [Fact]
    public async Task Transfer_leader_through_any_node_hands_leadership_to_the_named_node()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var target = cluster.Nodes[(leader + 1) % 3].Settings.NodeId;

        var accepted = await cluster.Clients[(leader + 2) % 3].TransferLeaderAsync(target);

        Assert.Equal("transfer-leader", accepted.Accepted);
        Assert.Equal(target, accepted.NodeId);
        await Eventually.Until(() => cluster.Clients[0].GetStatusAsync(), s => s.Leader == target, Patience, $"{target} leads");
        await cluster.Clients[0].PutAsync("after-transfer", "ok");
    }

    [Fact]
    public async Task Down_removes_another_member_and_unknown_or_self_are_rejected()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var victim = (leader + 1) % 3;
        var victimId = cluster.Nodes[victim].Settings.NodeId;

        var unknown = await Assert.ThrowsAsync<DistSyncApiException>(() => cluster.Clients[leader].DownAsync("n9"));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var self = await Assert.ThrowsAsync<DistSyncApiException>(() => cluster.Clients[leader].DownAsync(cluster.Nodes[leader].Settings.NodeId));
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        var accepted = await cluster.Clients[leader].DownAsync(victimId);

        Assert.Equal(victimId, accepted.NodeId);
        var status = await Eventually.Until(() => cluster.Clients[leader].GetRaftStatusAsync(),
            s => s.Groups[0].Members.Count == 2, Patience, "two members left");
        Assert.DoesNotContain(status.Groups[0].Members, m => m.NodeId == victimId);
        await cluster.Clients[leader].PutAsync("after-down", "ok");
    }

    [Fact]
    public async Task A_node_started_with_seeds_only_joins_the_group_and_serves_linearizable_reads()
    {
        // 1. three founders; a write commits
        await using var cluster = await InProcessCluster.StartAsync(3);
        var leader = await cluster.WaitForLeaderAsync(Patience);
        var put = await cluster.Clients[leader].PutAsync("before-join", "x");

        // 2. a fourth node with the founders as seeds and no initial members asks to join
        var joiner = await cluster.AddJoiningNodeAsync();

        // 3. the leader adds it and promotes it to voter once caught up
        await Eventually.Until(() => cluster.Clients[leader].GetRaftStatusAsync(),
            s => s.Groups[0].Members.Any(m => m.NodeId == "n4" && m.Kind == "voter"), TimeSpan.FromSeconds(60), "n4 is a voter");

        // 4. it serves a linearizable read of the earlier write and takes writes itself
        Assert.Equal(new Client.Contracts.KvGetResponse("before-join", "x", put.Version, put.Version), await cluster.Clients[3].GetAsync("before-join"));
        await cluster.Clients[3].PutAsync("from-n4", "y");
        Assert.Equal("y", (await cluster.Clients[leader].GetAsync("from-n4"))!.Value);
        Assert.Equal("n4", joiner.Settings.NodeId);
    }

    [Fact]
    public async Task Health_is_503_on_a_node_that_sees_no_leader()
    {
        // A node founding a group of three alone cannot elect a leader.
        await using var cluster = await InProcessCluster.StartAsync(1, founders: 3);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        var health = await http.GetAsync("/health");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Contains("no-leader", await health.Content.ReadAsStringAsync());
    }
}
