using System.Collections.Immutable;
using System.Globalization;

namespace DistSync.Cluster.Placement;

/// <summary>
/// An immutable consistent-hash ring keyed by node id (ARCHITECTURE §4). Each member owns
/// <see cref="VirtualNodes"/> points at <c>hash("nodeId#i")</c>; a key belongs to the first point clockwise from
/// <c>hash(key)</c>. Adding a member therefore moves only keys to that member, and removing one moves only its own
/// keys, which is what lets sharding and partition placement move "only the ring neighbours".
/// <para>Vnode hash collisions are tolerated: points are totally ordered by (hash, node id, vnode index), so two
/// points with one hash both stay on the ring and every process breaks the tie the same way, whatever the order the
/// members were given in.</para>
/// Pure: no Akka, no I/O, no clock. Build a new ring per membership change (it is cheap: members × vnodes points).
/// </summary>
public sealed class HashRing
{
    /// <summary>ARCHITECTURE's default: enough points that each member's share stays within a few tens of percent.</summary>
    public const int DefaultVirtualNodes = 150;

    private readonly Func<string, ulong> hash;
    // Parallel arrays sorted by (hash, owner ordinal, vnode): a binary search over hashes, then the owner at that index.
    private readonly ulong[] pointHashes;
    private readonly string[] pointOwners;

    private HashRing(ImmutableSortedSet<string> members, int virtualNodes, Func<string, ulong> hash)
    {
        Members = members;
        VirtualNodes = virtualNodes;
        this.hash = hash;
        var points = new List<(ulong Hash, string Owner, int VNode)>(members.Count * virtualNodes);
        foreach (var member in members)
        {
            for (int i = 0; i < virtualNodes; i++)
                points.Add((hash(member + "#" + i.ToString(CultureInfo.InvariantCulture)), member, i));
        }
        points.Sort(static (a, b) =>
        {
            int c = a.Hash.CompareTo(b.Hash);
            if (c != 0) return c;
            c = string.CompareOrdinal(a.Owner, b.Owner);
            return c != 0 ? c : a.VNode.CompareTo(b.VNode);
        });
        pointHashes = new ulong[points.Count];
        pointOwners = new string[points.Count];
        for (int i = 0; i < points.Count; i++)
        {
            pointHashes[i] = points[i].Hash;
            pointOwners[i] = points[i].Owner;
        }
    }

    /// <summary>The ring's member node ids (ordinal order).</summary>
    public ImmutableSortedSet<string> Members { get; }

    public int VirtualNodes { get; }

    public bool IsEmpty => Members.IsEmpty;

    /// <summary>An empty ring; add members with <see cref="WithMember"/>.</summary>
    public static HashRing Empty(int virtualNodes = DefaultVirtualNodes) => Create([], virtualNodes);

    /// <summary>A ring of <paramref name="nodeIds"/> (duplicates are one member) with <see cref="StableHash"/>.</summary>
    public static HashRing Create(IEnumerable<string> nodeIds, int virtualNodes = DefaultVirtualNodes) =>
        Create(nodeIds, virtualNodes, StableHash.Of);

    /// <summary>For tests only: a ring over a chosen hash (e.g. one that collides on purpose).</summary>
    internal static HashRing Create(IEnumerable<string> nodeIds, int virtualNodes, Func<string, ulong> hash)
    {
        ArgumentNullException.ThrowIfNull(nodeIds);
        ArgumentNullException.ThrowIfNull(hash);
        ArgumentOutOfRangeException.ThrowIfLessThan(virtualNodes, 1);
        var members = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
        foreach (var id in nodeIds)
        {
            ArgumentException.ThrowIfNullOrEmpty(id, nameof(nodeIds));
            members.Add(id);
        }
        return new HashRing(members.ToImmutable(), virtualNodes, hash);
    }

    public HashRing WithMember(string nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return Members.Contains(nodeId) ? this : new HashRing(Members.Add(nodeId), VirtualNodes, hash);
    }

    public HashRing WithoutMember(string nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return Members.Contains(nodeId) ? new HashRing(Members.Remove(nodeId), VirtualNodes, hash) : this;
    }

    /// <summary>The node id that owns <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">the ring has no members</exception>
    public string OwnerOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (IsEmpty) throw new InvalidOperationException("the hash ring has no members");
        return pointOwners[FirstPointAtOrAfter(hash(key))];
    }

    /// <summary>
    /// Up to <paramref name="count"/> distinct node ids for <paramref name="key"/>: the owner first, then the next
    /// distinct members clockwise (the replicas of a replication factor). Fewer when the ring has fewer members.
    /// </summary>
    public IReadOnlyList<string> OwnersOf(string key, int count)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 0);
        int wanted = Math.Min(count, Members.Count);
        var owners = new List<string>(wanted);
        if (wanted == 0) return owners;
        int start = FirstPointAtOrAfter(hash(key));
        // Walks at most once round the ring; with `wanted` <= members it stops as soon as enough distinct ids are seen.
        for (int step = 0; step < pointOwners.Length && owners.Count < wanted; step++)
        {
            var owner = pointOwners[(start + step) % pointOwners.Length];
            if (!owners.Contains(owner, StringComparer.Ordinal)) owners.Add(owner);
        }
        return owners;
    }

    /// <summary>Index of the first point whose hash is &gt;= <paramref name="h"/>, wrapping to 0 past the last.</summary>
    private int FirstPointAtOrAfter(ulong h)
    {
        int lo = 0, hi = pointHashes.Length; // invariant: answer in [lo, hi]
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (pointHashes[mid] < h) lo = mid + 1;
            else hi = mid;
        }
        return lo == pointHashes.Length ? 0 : lo;
    }

    public override string ToString() => $"HashRing({string.Join(",", Members)}; {VirtualNodes} vnodes)";
}
