using System.Globalization;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Sharding;
using DistSync.Cluster.Sharding.Wire;
using Xunit.Abstractions;

namespace DistSync.Cluster.Tests.Sharding;

/// <summary>
/// Multi-node spec (issue 11, item 7): key homes are placed by the hash ring, and a join or a graceful leave moves only
/// the shards whose ring owner changed. Four real ActorSystems in this process over Akka.Remote on loopback.
/// A home's incarnation (random per entity start) tells a home that stayed put from one that moved.
/// </summary>
public sealed class KeyHomePlacementSpec : Akka.TestKit.Xunit2.TestKit
{
    // Generous: the machine is shared. Nothing asserts on time; these only bound a hang.
    private static readonly TimeSpan Converge = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    // A question caught in a hand-off is dropped by the region ("to avoid re-ordering"); the poll asks again.
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(3);

    private static readonly string[] Keys = Enumerable.Range(0, 48).Select(i => "key-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private readonly List<ActorSystem> nodes = [];
    private readonly ITestOutputHelper output;

    public KeyHomePlacementSpec(ITestOutputHelper output)
        : base("akka.loglevel = WARNING", output)
    {
        this.output = output;
    }

    [Fact]
    public async Task Placement_follows_the_ring_and_only_ring_neighbours_move_on_join_and_leave()
    {
        // 1. Three nodes n1..n3 form a cluster; n1 is the seed (and, as the oldest, hosts the shard coordinator).
        var n1 = StartNode("n1");
        var seed = Akka.Cluster.Cluster.Get(n1).SelfAddress;
        var n2 = StartNode("n2");
        var n3 = StartNode("n3");
        foreach (var node in nodes) Akka.Cluster.Cluster.Get(node).Join(seed);
        await AwaitMembersUp(nodes);
        //    The homes' messages cross nodes through DistSync's own serializer, not Akka's reflective protobuf one.
        Assert.IsType<DistSyncWireSerializer>(n1.Serialization.FindSerializerFor(new WhereIsHome()));
        Assert.IsType<DistSyncWireSerializer>(n1.Serialization.FindSerializerFor(new HomeLocation()));
        Step(1, "n1, n2, n3 are Up on every node");

        // 2. Every node starts its key-home region; wait until the coordinator has all three registered, so that the
        //    first allocations already see the whole ring.
        var region = await KeyHomes.StartAsync(n1);
        await KeyHomes.StartAsync(n2);
        await KeyHomes.StartAsync(n3);
        await AwaitRegisteredRegions(region, 3);
        Step(2, "three key-home regions registered with the coordinator");

        // 3. Each key's home runs on the ring owner of its shard, and the homes are spread over all three nodes.
        var ring3 = HashRing.Create(["n1", "n2", "n3"]);
        var before = await AwaitPlacement(region, ring3);
        Assert.Equal(["n1", "n2", "n3"], before.Values.Select(h => h.NodeId).Distinct().Order(StringComparer.Ordinal));
        //    Asking again reaches the same incarnation, which counted the question: the home holds its state.
        var again = await WhereAreHomes(region);
        Assert.All(Keys, k => Assert.Equal(before[k].Incarnation, again[k].Incarnation));
        Assert.All(Keys, k => Assert.Equal(before[k].Version + 1, again[k].Version));
        Step(3, $"{Keys.Length} homes on their ring owners: {Spread(before)}");

        // 4. A fourth node n4 joins and starts its region.
        var n4 = StartNode("n4");
        Akka.Cluster.Cluster.Get(n4).Join(seed);
        await AwaitMembersUp(nodes);
        await KeyHomes.StartAsync(n4);
        await AwaitRegisteredRegions(region, 4);
        Step(4, "n4 is Up and its region registered");

        // 5. Rebalance moves exactly the shards the ring now gives n4; every other home never moved or restarted.
        var ring4 = ring3.WithMember("n4");
        var toJoiner = Keys.Where(k => KeyHomes.HomeNodeOf(ring4, k) != KeyHomes.HomeNodeOf(ring3, k)).ToHashSet();
        Assert.NotEmpty(toJoiner);
        Assert.All(toJoiner, k => Assert.Equal("n4", KeyHomes.HomeNodeOf(ring4, k)));
        var afterJoin = await AwaitPlacement(region, ring4);
        AssertOnlyRingNeighboursMoved(before, afterJoin, toJoiner);
        Step(5, $"{toJoiner.Count} homes moved to n4, {Keys.Length - toJoiner.Count} stayed: {Spread(afterJoin)}");

        // 6. n2 leaves gracefully (Cluster.Leave): its region hands its shards off, then its system terminates.
        Akka.Cluster.Cluster.Get(n2).Leave(Akka.Cluster.Cluster.Get(n2).SelfAddress);
        Assert.True(await Task.WhenAny(n2.WhenTerminated, Task.Delay(Converge)) == n2.WhenTerminated, "n2 did not terminate after leaving");
        nodes.Remove(n2);
        await AwaitMembersUp(nodes);
        Step(6, "n2 left; n1, n3, n4 are the members");

        // 7. Only n2's homes moved, each to its new ring owner; the homes on n1, n3 and n4 stayed where they were.
        var ringAfterLeave = ring4.WithoutMember("n2");
        var fromLeaver = Keys.Where(k => KeyHomes.HomeNodeOf(ring4, k) == "n2").ToHashSet();
        Assert.NotEmpty(fromLeaver);
        Assert.All(Keys.Where(k => !fromLeaver.Contains(k)), k => Assert.Equal(KeyHomes.HomeNodeOf(ring4, k), KeyHomes.HomeNodeOf(ringAfterLeave, k)));
        var afterLeave = await AwaitPlacement(region, ringAfterLeave);
        AssertOnlyRingNeighboursMoved(afterJoin, afterLeave, fromLeaver);
        Step(7, $"{fromLeaver.Count} homes left n2, {Keys.Length - fromLeaver.Count} stayed: {Spread(afterLeave)}");
    }

    private ActorSystem StartNode(string nodeId)
    {
        var system = LoopbackNode.Start(nodeId);
        nodes.Add(system);
        return system;
    }

    private void Step(int number, string what) => output.WriteLine($"step {number}: {what}");

    private static string Spread(Dictionary<string, HomeLocation> homes) =>
        string.Join(", ", homes.Values.GroupBy(h => h.NodeId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}"));

    /// <summary>Every node sees exactly <paramref name="members"/> as members, all Up.</summary>
    private Task AwaitMembersUp(IReadOnlyCollection<ActorSystem> members) => AwaitAssertAsync(() =>
    {
        var expected = members.Select(m => Akka.Cluster.Cluster.Get(m).SelfAddress).ToHashSet();
        foreach (var node in members)
        {
            var state = Akka.Cluster.Cluster.Get(node).State;
            Assert.Equal(expected, state.Members.Select(m => m.Address).ToHashSet());
            Assert.All(state.Members, m => Assert.Equal(MemberStatus.Up, m.Status));
        }
    }, Converge, Poll);

    private Task AwaitRegisteredRegions(IActorRef region, int count) => AwaitAssertAsync(async () =>
    {
        var stats = await region.Ask<ClusterShardingStats>(new GetClusterShardingStats(AskTimeout), AskTimeout + AskTimeout);
        Assert.Equal(count, stats.Regions.Count);
    }, Converge, Poll);

    private static async Task<Dictionary<string, HomeLocation>> WhereAreHomes(IActorRef region)
    {
        var answers = await Task.WhenAll(Keys.Select(k => region.Ask<HomeLocation>(new WhereIsHome { Key = k }, AskTimeout)));
        return answers.ToDictionary(a => a.Key);
    }

    /// <summary>Asks every key's home until each answers from its ring owner (moves take a rebalance round or two).</summary>
    private async Task<Dictionary<string, HomeLocation>> AwaitPlacement(IActorRef region, HashRing ring)
    {
        Dictionary<string, HomeLocation> homes = [];
        await AwaitAssertAsync(async () =>
        {
            homes = await WhereAreHomes(region);
            Assert.All(Keys, k => Assert.Equal(KeyHomes.HomeNodeOf(ring, k), homes[k].NodeId));
        }, Converge, Poll);
        return homes;
    }

    /// <summary>The keys in <paramref name="moved"/> answer from a new incarnation on another node; every other key from the
    /// very incarnation it had before (same node, never handed off, never restarted).</summary>
    private static void AssertOnlyRingNeighboursMoved(Dictionary<string, HomeLocation> before, Dictionary<string, HomeLocation> after, HashSet<string> moved)
    {
        foreach (var key in Keys)
        {
            if (moved.Contains(key))
            {
                Assert.NotEqual(before[key].NodeId, after[key].NodeId);
                Assert.NotEqual(before[key].Incarnation, after[key].Incarnation);
            }
            else
            {
                Assert.Equal(before[key].NodeId, after[key].NodeId);
                Assert.Equal(before[key].Incarnation, after[key].Incarnation);
                Assert.True(after[key].Version > before[key].Version, $"{key}: version went back, so its home restarted");
            }
        }
    }

    protected override void AfterAll()
    {
        // Abrupt (LoopbackNode turns coordinated shutdown on Terminate off), bounded so a stuck node cannot hang the run.
        var terminations = nodes.Select(n => n.Terminate()).ToArray();
        Task.WaitAll(terminations, TimeSpan.FromSeconds(30));
        base.AfterAll();
    }
}
