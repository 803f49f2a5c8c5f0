using System.Globalization;
using DistSync.Cluster.Placement;

namespace DistSync.Cluster.Tests.Placement;

/// <summary>The ring's contract, with property-like checks over seeded random members and keys (same draw every run).</summary>
public class HashRingSpec
{
    private static string[] Keys(int seed, int count)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => "key-" + rng.NextInt64().ToString(CultureInfo.InvariantCulture)).ToArray();
    }

    private static string[] Nodes(Random rng, int count) =>
        Enumerable.Range(0, count).Select(i => $"node-{i}-{rng.Next(1_000_000)}").Distinct().ToArray();

    [Fact]
    public void Stable_hash_is_xxhash64_and_the_same_in_every_process()
    {
        // Published xxHash64 (seed 0) vectors: a process-randomized hash could never match these.
        Assert.Equal(0xEF46DB3751D8E999UL, StableHash.Of(""));
        Assert.Equal(0x44BC2CF5AD770999UL, StableHash.Of("abc"));
    }

    [Fact]
    public void Placement_is_pinned_so_every_node_and_every_run_agrees()
    {
        var ring = HashRing.Create(["n1", "n2", "n3"]);
        var owners = Enumerable.Range(0, 8).Select(i => ring.OwnerOf("key-" + i)).ToArray();
        // Recomputed with the member list in another order: the same answers.
        var again = HashRing.Create(["n3", "n1", "n2", "n1"]);
        Assert.Equal(owners, Enumerable.Range(0, 8).Select(i => again.OwnerOf("key-" + i)));
        Assert.Equal(3, again.Members.Count);
        Assert.Equal(PinnedOwners, owners);
    }

    // A change here means placement moved between versions: nodes of mixed versions would disagree on every home.
    private static readonly string[] PinnedOwners = ["n3", "n1", "n1", "n3", "n1", "n3", "n2", "n1"];

    [Fact]
    public void An_empty_ring_owns_nothing()
    {
        var ring = HashRing.Empty();
        Assert.True(ring.IsEmpty);
        Assert.Throws<InvalidOperationException>(() => ring.OwnerOf("k"));
        Assert.Empty(ring.OwnersOf("k", 3));
    }

    [Fact]
    public void A_single_member_owns_every_key()
    {
        var ring = HashRing.Create(["solo"]);
        Assert.All(Keys(1, 500), k => Assert.Equal("solo", ring.OwnerOf(k)));
        Assert.Equal(["solo"], ring.OwnersOf("k", 3));
    }

    [Fact]
    public void Adding_or_removing_a_present_or_absent_member_is_idempotent()
    {
        var ring = HashRing.Create(["a", "b"]);
        Assert.Same(ring, ring.WithMember("a"));
        Assert.Same(ring, ring.WithoutMember("zz"));
        Assert.Equal(["a", "b", "c"], ring.WithMember("c").Members);
        Assert.Equal(150, ring.VirtualNodes);
    }

    [Theory]
    [InlineData(11, 3)]
    [InlineData(12, 4)]
    [InlineData(13, 5)]
    [InlineData(14, 8)]
    public void Owners_are_distinct_successors_starting_with_the_owner(int seed, int members)
    {
        var ring = HashRing.Create(Nodes(new Random(seed), members));
        foreach (var key in Keys(seed, 2_000))
        {
            var three = ring.OwnersOf(key, 3);
            Assert.Equal(Math.Min(3, members), three.Count);
            Assert.Equal(three.Count, three.Distinct().Count());
            Assert.Equal(ring.OwnerOf(key), three[0]);
            // Asking for more than there are members gives each member once.
            Assert.Equal(ring.Members.OrderBy(m => m, StringComparer.Ordinal), ring.OwnersOf(key, members + 2).OrderBy(m => m, StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData(21, 3)]
    [InlineData(22, 4)]
    [InlineData(23, 5)]
    [InlineData(24, 7)]
    [InlineData(25, 10)]
    public void Load_is_balanced_within_a_bound(int seed, int members)
    {
        var ring = HashRing.Create(Nodes(new Random(seed), members));
        var keys = Keys(seed, 60_000);
        var load = keys.GroupBy(ring.OwnerOf).ToDictionary(g => g.Key, g => g.Count());
        double fair = keys.Length / (double)members;
        Assert.Equal(members, load.Count);
        // 150 vnodes: the spread of a member's share is about 1/sqrt(150) ~ 8%; 30% is a wide, never-flaky bound.
        Assert.All(load.Values, n => Assert.InRange(n / fair, 0.70, 1.30));
    }

    [Theory]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(33)]
    [InlineData(34)]
    [InlineData(35)]
    public void Adding_a_member_moves_only_keys_to_the_new_member(int seed)
    {
        var rng = new Random(seed);
        var nodes = Nodes(rng, 2 + rng.Next(7));
        var before = HashRing.Create(nodes);
        var newcomer = "joiner-" + rng.Next(1_000_000);
        var after = before.WithMember(newcomer);
        int moved = 0;
        var keys = Keys(seed, 20_000);
        foreach (var key in keys)
        {
            var was = before.OwnerOf(key);
            var now = after.OwnerOf(key);
            if (was == now) continue;
            Assert.Equal(newcomer, now);
            moved++;
        }
        // The newcomer takes about its fair share, 1/(n+1), and no more than the balance bound allows.
        double fair = keys.Length / (double)after.Members.Count;
        Assert.InRange(moved / fair, 0.70, 1.30);
    }

    [Theory]
    [InlineData(41)]
    [InlineData(42)]
    [InlineData(43)]
    [InlineData(44)]
    [InlineData(45)]
    public void Removing_a_member_moves_only_its_keys(int seed)
    {
        var rng = new Random(seed);
        var nodes = Nodes(rng, 3 + rng.Next(6));
        var before = HashRing.Create(nodes);
        var leaver = nodes[rng.Next(nodes.Length)];
        var after = before.WithoutMember(leaver);
        foreach (var key in Keys(seed, 20_000))
        {
            var was = before.OwnerOf(key);
            var now = after.OwnerOf(key);
            if (was == leaver) Assert.NotEqual(leaver, now);
            else Assert.Equal(was, now);
        }
    }

    [Fact]
    public void Vnode_hash_collisions_are_tolerated_and_broken_the_same_way_everywhere()
    {
        // Only 16 distinct hash values for 4 x 150 points: nearly every point collides with many others.
        static ulong Colliding(string s) => StableHash.Of(s) % 16 * (ulong.MaxValue / 16);
        var nodes = new[] { "n1", "n2", "n3", "n4" };
        var ring = HashRing.Create(nodes, 150, Colliding);
        var shuffled = HashRing.Create(nodes.Reverse(), 150, Colliding);
        var keys = Keys(51, 5_000);
        foreach (var key in keys)
        {
            Assert.Equal(ring.OwnerOf(key), shuffled.OwnerOf(key));
            Assert.Equal(4, ring.OwnersOf(key, 4).Distinct().Count());
        }
        // The add/remove properties survive collisions: ties are ordered by node id, so an added point can only
        // take a key, and a removed one can only give its own keys away.
        var grown = ring.WithMember("n5");
        var shrunk = ring.WithoutMember("n2");
        foreach (var key in keys)
        {
            var was = ring.OwnerOf(key);
            if (grown.OwnerOf(key) != was) Assert.Equal("n5", grown.OwnerOf(key));
            if (was != "n2") Assert.Equal(was, shrunk.OwnerOf(key));
        }
    }
}
