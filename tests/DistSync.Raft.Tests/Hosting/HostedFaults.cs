using DistSync.Cluster.Faults;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// Faults between the nodes of a <see cref="HostedCluster"/>: partitions on the real transport through Akka.Remote's
/// throttler (<see cref="NetworkFaults"/>; every node runs <c>applied-adapters = [trttl, gremlin]</c>), fixed delays
/// and seeded drops through Raft's own send-path seam (<see cref="RaftLinkFaults"/>, shared by every node).
/// </summary>
internal sealed class HostedFaults(Func<IEnumerable<HostedNode>> nodes)
{
    public RaftLinkFaults Links { get; } = new(seed: 4242);

    private NetworkFaults Network() => new(nodes().Where(n => !n.IsStopped).Select(n => n.System));

    /// <summary>Cuts <paramref name="victim"/> off from every other live node, both directions.</summary>
    public Task IsolateAsync(HostedNode victim) => Network().IsolateAsync(victim.System);

    public Task BlockBothAsync(HostedNode a, HostedNode b) => Network().BlockBothAsync(a.System, b.System);

    /// <summary>Removes every partition and every delay or drop rule; nothing is restarted.</summary>
    public Task HealAllAsync()
    {
        Links.HealAll();
        return Network().HealAllAsync();
    }

    /// <summary>Holds Raft's messages from <paramref name="from"/> to <paramref name="to"/> back by <paramref name="delay"/>.</summary>
    public void Delay(HostedNode from, HostedNode to, TimeSpan delay) => Links.Delay(from.NodeId, to.NodeId, delay);
}
