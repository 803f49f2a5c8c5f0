using DistSync.Cluster.Placement;

namespace DistSync.Node.Queues;

/// <summary>Where a partition's replicas belong: the ring successors of the partition's hash (<c>queue/index</c>) among
/// the meta group's voters, <c>replication-factor</c> of them (all members when fewer). Only ring neighbours change
/// when a member joins or leaves, so only their partitions move.</summary>
public static class QueuePlacement
{
    public static string PartitionKey(string queue, int index) => $"{queue}/{index}";

    public static IReadOnlyList<string> ReplicasOf(HashRing ring, string queue, int index, int replicationFactor)
    {
        if (ring.IsEmpty) return [];
        var owners = ring.OwnersOf(PartitionKey(queue, index), Math.Min(replicationFactor, ring.Members.Count));
        var sorted = new List<string>(owners);
        sorted.Sort(StringComparer.Ordinal);
        return sorted;
    }
}
