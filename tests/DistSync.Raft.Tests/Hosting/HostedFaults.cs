using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// Faults between the nodes of a <see cref="HostedCluster"/>: partitions on the real transport through Akka.Remote's
/// throttler (every node runs <c>applied-adapters = [trttl, gremlin]</c>), fixed delays and seeded drops through
/// Raft's own send-path seam (<see cref="RaftLinkFaults"/>, shared by every node).
/// </summary>
internal sealed class HostedFaults
{
    private readonly Func<IEnumerable<HostedNode>> nodes;

    public HostedFaults(Func<IEnumerable<HostedNode>> nodes) => this.nodes = nodes;

    public RaftLinkFaults Links { get; } = new(seed: 4242);

    /// <summary>Cuts <paramref name="victim"/> off from every other live node, both directions.</summary>
    public async Task IsolateAsync(HostedNode victim)
    {
        foreach (var other in nodes().Where(n => n != victim && !n.IsStopped).ToList()) await BlockBothAsync(victim, other);
    }

    public async Task BlockBothAsync(HostedNode a, HostedNode b)
    {
        await Throttle(a, b.Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance);
        await Throttle(b, a.Address, ThrottleTransportAdapter.Direction.Both, Blackhole.Instance);
    }

    /// <summary>Removes every partition and every delay or drop rule; nothing is restarted.</summary>
    public async Task HealAllAsync()
    {
        Links.HealAll();
        var live = nodes().Where(n => !n.IsStopped).ToList();
        foreach (var a in live)
            foreach (var b in live.Where(b => b != a))
                await Throttle(a, b.Address, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance);
    }

    /// <summary>Holds Raft's messages from <paramref name="from"/> to <paramref name="to"/> back by <paramref name="delay"/>.</summary>
    public void Delay(HostedNode from, HostedNode to, TimeSpan delay) => Links.Delay(from.NodeId, to.NodeId, delay);

    private static async Task Throttle(HostedNode on, Address peer, ThrottleTransportAdapter.Direction direction, ThrottleMode mode)
    {
        if (on.IsStopped) return;
        var transport = ((IRemoteActorRefProvider)((ExtendedActorSystem)on.System).Provider).Transport;
        bool ok = await transport.ManagementCommand(new SetThrottle(peer, direction, mode)).WaitAsync(TimeSpan.FromSeconds(10));
        if (!ok) throw new InvalidOperationException($"{on.NodeId}: the throttler refused {mode} for {peer}");
    }
}
