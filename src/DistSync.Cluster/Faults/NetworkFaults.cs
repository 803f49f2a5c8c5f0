using Akka.Actor;
using Akka.Remote.Transport;

namespace DistSync.Cluster.Faults;

/// <summary>
/// Network partitions between in-process actor systems over real Akka.Remote on loopback: the test-side counterpart
/// of <see cref="NodeFaults"/> (one per system), with the verbs of the old transport's fault injector. Every system
/// must run the fault adapters (<see cref="Hosting.AkkaSettings.FaultInjection"/>). Symmetric verbs set the fault on
/// both ends, so neither side's traffic gets through; everything is lifted without restarting anything.
/// </summary>
public sealed class NetworkFaults
{
    private readonly List<(ActorSystem System, NodeFaults Faults)> nodes = [];

    public NetworkFaults(IEnumerable<ActorSystem> systems)
    {
        ArgumentNullException.ThrowIfNull(systems);
        foreach (var system in systems) Add(system);
    }

    /// <summary>The per-node handles, in the order the systems were given.</summary>
    public IReadOnlyList<NodeFaults> Nodes => [.. nodes.Select(n => n.Faults)];

    /// <summary>Adds a system started after this object (a joiner, or a restarted node: it replaces the entry of
    /// the same host:port).</summary>
    public NodeFaults Add(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var faults = new NodeFaults(system);
        nodes.RemoveAll(n => SameNode(n.Faults.Self, faults.Self));
        nodes.Add((system, faults));
        return faults;
    }

    /// <summary>Cuts <paramref name="from"/>'s messages to <paramref name="to"/> (one direction).</summary>
    public Task BlockAsync(ActorSystem from, ActorSystem to) =>
        Of(from).BlockAsync(AddressOf(to), ThrottleTransportAdapter.Direction.Send);

    /// <summary>Cuts all traffic between <paramref name="a"/> and <paramref name="b"/>.</summary>
    public async Task BlockBothAsync(ActorSystem a, ActorSystem b)
    {
        await Of(a).BlockAsync(AddressOf(b), ThrottleTransportAdapter.Direction.Both).ConfigureAwait(false);
        await Of(b).BlockAsync(AddressOf(a), ThrottleTransportAdapter.Direction.Both).ConfigureAwait(false);
    }

    /// <summary>Cuts <paramref name="victim"/> off from every other running system.</summary>
    public async Task IsolateAsync(ActorSystem victim)
    {
        foreach (var (other, _) in Running())
        {
            if (!ReferenceEquals(other, victim)) await BlockBothAsync(victim, other).ConfigureAwait(false);
        }
    }

    /// <summary>Splits the systems into two sides that cannot reach each other.</summary>
    public async Task PartitionAsync(IEnumerable<ActorSystem> side, IEnumerable<ActorSystem> otherSide)
    {
        ArgumentNullException.ThrowIfNull(side);
        var others = otherSide.ToList();
        foreach (var a in side)
        {
            foreach (var b in others) await BlockBothAsync(a, b).ConfigureAwait(false);
        }
    }

    /// <summary>Lets traffic between <paramref name="a"/> and <paramref name="b"/> through again, both ways.</summary>
    public async Task HealAsync(ActorSystem a, ActorSystem b)
    {
        await Of(a).HealAsync(AddressOf(b)).ConfigureAwait(false);
        await Of(b).HealAsync(AddressOf(a)).ConfigureAwait(false);
    }

    /// <summary>Lifts every fault between running systems: every pair is unthrottled both ways, so a black hole set
    /// through another <see cref="NetworkFaults"/> or <see cref="NodeFaults"/> of the same systems goes too.</summary>
    public async Task HealAllAsync()
    {
        var running = Running();
        for (var i = 0; i < running.Count; i++)
        {
            for (var j = i + 1; j < running.Count; j++) await HealAsync(running[i].System, running[j].System).ConfigureAwait(false);
        }
    }

    private List<(ActorSystem System, NodeFaults Faults)> Running() => [.. nodes.Where(n => !n.System.WhenTerminated.IsCompleted)];

    private NodeFaults Of(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        foreach (var (s, faults) in nodes)
        {
            if (ReferenceEquals(s, system)) return faults;
        }
        throw new ArgumentException($"{AddressOf(system)} is not one of this NetworkFaults' systems", nameof(system));
    }

    private static bool SameNode(Address a, Address b) => a.Host == b.Host && a.Port == b.Port;

    private static Address AddressOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress;
}
