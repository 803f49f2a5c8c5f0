using System.Collections.Immutable;
using System.Globalization;
using Akka.Actor;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Sharding;

namespace DistSync.Cluster.Tests.Sharding;

/// <summary>The strategy alone, with probes standing in for the shard regions of nodes n1..n4.</summary>
public class HashRingAllocationStrategySpec : Akka.TestKit.Xunit2.TestKit
{
    private readonly Dictionary<IActorRef, string?> nodeIds = new();
    private readonly IActorRef[] regions;

    public HashRingAllocationStrategySpec()
    {
        regions = Enumerable.Range(1, 4).Select(i => CreateTestProbe("region-n" + i).Ref).ToArray();
        for (int i = 0; i < regions.Length; i++) nodeIds[regions[i]] = "n" + (i + 1);
    }

    private HashRingAllocationStrategy Strategy(int maxPerRound = 10)
    {
        var strategy = new HashRingAllocationStrategy(HashRing.DefaultVirtualNodes, maxPerRound, r => nodeIds[r]);
        strategy.Start(Sys);
        return strategy;
    }

    private IActorRef RegionOf(string nodeId) => regions[int.Parse(nodeId[1..], CultureInfo.InvariantCulture) - 1];

    private static IImmutableDictionary<IActorRef, IImmutableList<string>> Allocations(params (IActorRef Region, string[] Shards)[] entries) =>
        entries.ToImmutableDictionary(e => e.Region, e => (IImmutableList<string>)e.Shards.ToImmutableList());

    private static string[] Shards(int count) => Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>Every shard where the ring of <paramref name="members"/> puts it.</summary>
    private (IActorRef, string[])[] Placed(string[] shards, params IActorRef[] members)
    {
        var ring = HashRing.Create(members.Select(m => nodeIds[m]!));
        return members.Select(m => (m, shards.Where(s => ring.OwnerOf(s) == nodeIds[m]).ToArray())).ToArray();
    }

    [Fact]
    public async Task Allocates_each_shard_to_its_ring_owner()
    {
        var strategy = Strategy();
        var three = Allocations((regions[0], []), (regions[1], []), (regions[2], []));
        var ring = HashRing.Create(["n1", "n2", "n3"]);
        foreach (var shard in Shards(200))
            Assert.Equal(RegionOf(ring.OwnerOf(shard)), await strategy.AllocateShard(regions[0], shard, three));
    }

    [Fact]
    public async Task Rebalance_moves_nothing_when_every_shard_sits_at_its_owner()
    {
        var strategy = Strategy();
        var placed = Allocations(Placed(Shards(300), regions[0], regions[1], regions[2]));
        Assert.Empty(await strategy.Rebalance(placed, ImmutableHashSet<string>.Empty));
    }

    [Fact]
    public async Task After_a_join_rebalance_moves_exactly_the_joiners_shards_bounded_per_round()
    {
        var strategy = Strategy(maxPerRound: 10);
        var shards = Shards(300);
        var oldPlacement = Placed(shards, regions[0], regions[1], regions[2]);
        var withJoiner = Allocations([.. oldPlacement, (regions[3], [])]);
        var joinerOwns = shards.Where(s => HashRing.Create(["n1", "n2", "n3", "n4"]).OwnerOf(s) == "n4").ToHashSet();

        var first = await strategy.Rebalance(withJoiner, ImmutableHashSet<string>.Empty);
        Assert.Equal(10, first.Count);
        Assert.Subset(joinerOwns, first.ToHashSet());

        // In flight counts against the bound; shards already moving are not proposed again.
        var second = await strategy.Rebalance(withJoiner, ImmutableHashSet.Create("x1", "x2", "x3"));
        Assert.Equal(7, second.Count);
        Assert.Empty(await strategy.Rebalance(withJoiner, first));

        var all = await Strategy(maxPerRound: 1_000).Rebalance(withJoiner, ImmutableHashSet<string>.Empty);
        Assert.Equal(joinerOwns, all.ToHashSet());
    }

    [Fact]
    public async Task A_leaving_regions_shards_are_left_to_its_hand_off_and_it_gets_no_new_ones()
    {
        var strategy = Strategy(maxPerRound: 1_000);
        var shards = Shards(300);
        var placed = Allocations(Placed(shards, regions[0], regions[1], regions[2]));
        nodeIds[regions[1]] = null; // n2 is leaving

        Assert.Empty(await strategy.Rebalance(placed, ImmutableHashSet<string>.Empty));
        var ring = HashRing.Create(["n1", "n3"]);
        foreach (var shard in shards)
            Assert.Equal(RegionOf(ring.OwnerOf(shard)), await strategy.AllocateShard(regions[0], shard, placed));
    }

    [Fact]
    public async Task Falls_back_to_a_registered_region_when_none_is_on_the_ring()
    {
        var strategy = Strategy();
        nodeIds[regions[0]] = null;
        var only = Allocations((regions[0], []));
        Assert.Equal(regions[0], await strategy.AllocateShard(regions[0], "5", only));
        Assert.Empty(await strategy.Rebalance(only, ImmutableHashSet<string>.Empty));
    }
}
