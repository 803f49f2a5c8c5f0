using System.Net;
using System.Net.Http.Json;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests;

/// <summary>Three in-process nodes on Akka.Cluster over loopback see each other, notice a member cut off by the
/// throttler and its return.</summary>
public class ThreeNodeReachabilitySpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static bool AllUpWithIds(StatusResponse s, int size) =>
        s.Members.Count == size && s.Members.All(m => m.Status == "up" && m.NodeId is not null);

    [Fact]
    public async Task Members_see_each_other_then_a_blocked_node_becomes_unreachable_and_returns_after_heal()
    {
        // 1. start three nodes
        await using var cluster = await InProcessCluster.StartAsync(3);

        // 2. every node reports all three up, with their node ids
        foreach (var client in cluster.Clients)
        {
            var status = await Eventually.Until(() => client.GetStatusAsync(), s => AllUpWithIds(s, 3), Patience, $"all up as seen by {client.BaseAddress}");
            Assert.Equal(["n1", "n2", "n3"], status.Members.Select(m => m.NodeId!).Order().ToArray());
        }

        // 3. cut n3 off with the throttler (black holes both ways)
        await cluster.Faults.IsolateAsync(cluster.Nodes[2]);

        // 4. n1 and n2 mark n3 unreachable, and its phi is above the threshold
        foreach (var client in cluster.Clients.Take(2))
        {
            var status = await Eventually.Until(() => client.GetStatusAsync(),
                s => s.Members.Any(m => m.NodeId == "n3" && m.Status == "unreachable"), Patience, $"n3 unreachable as seen by {client.BaseAddress}");
            Assert.True(status.Members.Single(m => m.NodeId == "n3").Phi >= 8.0);
            Assert.All(status.Members.Where(m => m.NodeId != "n3"), m => Assert.Equal("up", m.Status));
        }

        // 5. heal: n3 is reachable again everywhere, without a restart
        var incarnation = Akka.Cluster.Cluster.Get(cluster.Nodes[2].System).SelfUniqueAddress;
        await cluster.Faults.HealAllAsync();
        foreach (var client in cluster.Clients)
        {
            await Eventually.Until(() => client.GetStatusAsync(), s => AllUpWithIds(s, 3), Patience, $"all up again as seen by {client.BaseAddress}");
        }
        Assert.Equal(incarnation, Akka.Cluster.Cluster.Get(cluster.Nodes[2].System).SelfUniqueAddress);
    }

    [Fact]
    public async Task Fault_routes_exist_only_when_fault_injection_is_on_and_block_a_peer()
    {
        // 1. a cluster with the admin fault routes on
        await using var cluster = await InProcessCluster.StartAsync(2, faultRoutes: true);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        await Eventually.Until(() => cluster.Clients[0].GetStatusAsync(), s => AllUpWithIds(s, 2), Patience, "both up");

        // 2. a malformed body is a 400 naming the field
        var bad = await http.PostAsJsonAsync("/admin/faults/block", new { peer = "nonsense" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("peer", await bad.Content.ReadAsStringAsync());

        // 3. n1 blocks n2 through HTTP; n1 then sees n2 unreachable
        var ok = await http.PostAsJsonAsync("/admin/faults/block", new { peer = $"127.0.0.1:{cluster.RemotePorts[1]}" });
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        await Eventually.Until(() => cluster.Clients[0].GetStatusAsync(),
            s => s.Members.Any(m => m.NodeId == "n2" && m.Status == "unreachable"), Patience, "n2 unreachable from n1");

        // 4. heal through HTTP
        Assert.Equal(HttpStatusCode.OK, (await http.PostAsync("/admin/faults/heal", null)).StatusCode);
        await Eventually.Until(() => cluster.Clients[0].GetStatusAsync(), s => AllUpWithIds(s, 2), Patience, "both up after heal");
    }

    [Fact]
    public async Task Without_fault_injection_the_admin_routes_do_not_exist()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        var response = await http.PostAsJsonAsync("/admin/faults/block", new { peer = "127.0.0.1:1" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
