namespace DistSync.Node.Tests.Metrics;

/// <summary>The Raft parts of /raft/status and /status on a healthy cluster: answers that do not contradict each other
/// from one call to the next, and a member's role and kind given apart.</summary>
[Collection(ScrapedClusterCollection.Name)]
public class RaftStatusSpec(ScrapedCluster cluster)
{
    [Fact]
    public async Task Healthy_followers_stay_recently_active_call_after_call()
    {
        var leader = cluster.Client(await cluster.LeaderAsync());
        // once both followers have answered the new leader...
        await Eventually.Until(() => leader.GetRaftStatusAsync(), s => s.Groups[0].Followers.Count == 2 && s.Groups[0].Followers.All(f => f.RecentlyActive),
            TimeSpan.FromSeconds(60), "both followers active");
        // ...every later call says so too (the core's flag was cleared at each CheckQuorum round, so some calls said false)
        for (var call = 0; call < 25; call++)
        {
            var followers = (await leader.GetRaftStatusAsync()).Groups[0].Followers;
            Assert.Equal(2, followers.Count);
            Assert.All(followers, f => Assert.True(f.RecentlyActive, $"call {call}: {f.NodeId} read as inactive"));
            await Task.Delay(100); // spread the calls over a few CheckQuorum rounds; the assertion does not depend on it
        }
    }

    [Fact]
    public async Task Status_members_give_raft_role_and_kind_apart()
    {
        var leaderIndex = await cluster.LeaderAsync();
        for (var i = 0; i < cluster.Size; i++)
        {
            var status = await cluster.Client(i).GetStatusAsync();
            Assert.Equal(3, status.Members.Count);
            Assert.All(status.Members, m => Assert.Equal("voter", m.Kind));
            var leaders = status.Members.Where(m => m.Role == "leader").ToList();
            Assert.Equal($"n{leaderIndex + 1}", Assert.Single(leaders).NodeId);
            Assert.Equal(2, status.Members.Count(m => m.Role == "follower"));
            Assert.Equal("leader", leaders[0].Raft); // the old mixed field is kept as it was
        }
        // the wire names `dsync cluster show` reads
        using var json = System.Text.Json.JsonDocument.Parse(await cluster.GetStringAsync(leaderIndex, "/status"));
        foreach (var member in json.RootElement.GetProperty("members").EnumerateArray())
        {
            Assert.Equal("voter", member.GetProperty("kind").GetString());
            Assert.Contains(member.GetProperty("role").GetString(), new[] { "leader", "follower" });
        }
    }
}
