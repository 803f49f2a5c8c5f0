using Akka.Actor;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Sharding;
using DistSync.Cluster.Sharding.Wire;

namespace DistSync.Node.Tests;

/// <summary>Every node of a running cluster hosts a key-home region (Akka.Cluster.Sharding), and a key's home runs
/// on its ring owner whichever node is asked.</summary>
public class KeyHomeShardingSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Homes_asked_through_any_node_run_on_the_ring_owner_of_their_shard()
    {
        // 1. three nodes form the cluster
        await using var cluster = await InProcessCluster.StartAsync(3);
        var ring = HashRing.Create(["n1", "n2", "n3"]);
        var keys = Enumerable.Range(0, 24).Select(i => "key-" + i).ToList();

        foreach (var client in cluster.Clients)
            await Eventually.Until(() => client.GetStatusAsync(), s => s.Members.Count == 3 && s.Members.All(m => m.Status == "up"), Patience, "three members up");

        // 2. each key is asked through a different node; every home ends up on its ring owner (a shard allocated
        //    before every region had registered is moved there by the ring's rebalance), and asking again through
        //    another node reaches the same incarnation
        var owners = new HashSet<string>();
        for (int i = 0; i < keys.Count; i++)
        {
            var owner = KeyHomes.HomeNodeOf(ring, keys[i]);
            var first = await Eventually.Until(() => AskAsync(cluster.Nodes[i % 3].System, keys[i]), h => h.NodeId == owner, Patience, $"{keys[i]} at home on {owner}");
            var second = await AskAsync(cluster.Nodes[(i + 1) % 3].System, keys[i]);
            Assert.Equal(first.Incarnation, second.Incarnation);
            Assert.True(second.Version > first.Version);
            owners.Add(first.NodeId);
        }

        // 3. the homes are spread over the members, not all on one
        Assert.True(owners.Count > 1, "every home ran on one node");
    }

    /// <summary>Asks a key's home, retrying while the region registers with the coordinator (a message for a shard
    /// that is being allocated can be dropped by the region).</summary>
    private static async Task<HomeLocation> AskAsync(ActorSystem system, string key)
    {
        var until = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                return await KeyHomes.RegionOf(system).Ask<HomeLocation>(new WhereIsHome { Key = key }, TimeSpan.FromSeconds(3));
            }
            catch (AskTimeoutException) when (DateTime.UtcNow < until)
            {
                // not allocated yet: ask again
            }
        }
    }
}
