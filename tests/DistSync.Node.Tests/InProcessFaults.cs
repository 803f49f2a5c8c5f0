using DistSync.Cluster.Faults;
using DistSync.Node.Hosting;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Tests;

/// <summary>Faults between the nodes of an <see cref="InProcessCluster"/>: partitions on the real transport (Akka's
/// throttler through <see cref="NetworkFaults"/>), delays and seeded drops through Raft's seam shared by all nodes.
/// Nothing is restarted to heal.</summary>
internal sealed class InProcessFaults(Func<IReadOnlyList<DistSyncNode>> nodes)
{
    public RaftLinkFaults Links { get; } = new(seed: 7);

    private NetworkFaults Network() => new(nodes().Where(n => !n.IsTerminated).Select(n => n.System));

    /// <summary>Cuts <paramref name="victim"/> off from every other running node, both ways.</summary>
    public Task IsolateAsync(DistSyncNode victim) => Network().IsolateAsync(victim.System);

    public Task BlockBothAsync(DistSyncNode a, DistSyncNode b) => Network().BlockBothAsync(a.System, b.System);

    /// <summary>Lifts every partition, delay and drop.</summary>
    public Task HealAllAsync()
    {
        Links.HealAll();
        return Network().HealAllAsync();
    }
}
