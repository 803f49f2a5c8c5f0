using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Remote;
using Akka.Remote.Transport;

namespace DistSync.Cluster.Faults;

/// <summary>
/// Fault injection on one node's real Akka.Remote transport, through the throttler (<c>trttl</c>) and failure injector
/// (<c>gremlin</c>) adapters: black-hole traffic to or from a peer, drop a fraction of it, and heal it again without
/// restarting anything. Needs <c>applied-adapters = [trttl, gremlin]</c> on every node of the cluster
/// (<see cref="Hosting.AkkaSettings.FaultInjection"/>). Used by the admin fault routes, which act on their own node.
/// </summary>
/// <remarks>
/// Peers are matched on host:port only (the throttler strips protocol and system), inbound associations by the origin
/// their handshake names. A black hole does not close the TCP connection: Akka.Cluster marks the peer unreachable
/// within seconds, and reachable again soon after <see cref="HealAsync"/>. Fixed delays and seeded drops are not
/// here: Akka has neither (the gremlin's drops use an unseeded random); the Raft router has a seam for them.
/// </remarks>
public sealed class NodeFaults
{
    private readonly RemoteTransport transport;
    private readonly ConcurrentDictionary<Address, string> rules = new();

    public NodeFaults(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        if (((ExtendedActorSystem)system).Provider is not IRemoteActorRefProvider remote)
            throw new InvalidOperationException($"actor system '{system.Name}' has no remoting (akka.actor.provider = cluster)");
        transport = remote.Transport;
        Self = remote.DefaultAddress;
        if (!IsEnabled(system))
            throw new InvalidOperationException($"actor system '{system.Name}' runs {Self.Protocol} without the fault adapters (applied-adapters = [trttl, gremlin])");
    }

    /// <summary>This node's address.</summary>
    public Address Self { get; }

    /// <summary>The faults set here and not healed, peer by peer (for <c>GET /admin/faults</c>).</summary>
    public IReadOnlyDictionary<Address, string> Rules => new Dictionary<Address, string>(rules);

    /// <summary>Whether <paramref name="system"/>'s transport carries the throttler (its protocol names trttl).</summary>
    public static bool IsEnabled(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        var protocol = ((ExtendedActorSystem)system).Provider.DefaultAddress.Protocol;
        return protocol.Contains("." + ThrottleTransportAdapter.Scheme + ".", StringComparison.Ordinal);
    }

    /// <summary>Black-holes traffic with <paramref name="peer"/>: <c>Send</c> = what this node sends to it,
    /// <c>Receive</c> = what it receives from it, <c>Both</c>.</summary>
    public async Task BlockAsync(Address peer, ThrottleTransportAdapter.Direction direction)
    {
        ArgumentNullException.ThrowIfNull(peer);
        await CommandAsync(new SetThrottle(peer, direction, Blackhole.Instance)).ConfigureAwait(false);
        rules[Key(peer)] = direction switch
        {
            ThrottleTransportAdapter.Direction.Send => "block outbound",
            ThrottleTransportAdapter.Direction.Receive => "block inbound",
            _ => "block both",
        };
    }

    /// <summary>Drops each message to (<paramref name="outbound"/>) and from (<paramref name="inbound"/>)
    /// <paramref name="peer"/> with that probability (0..1). Unseeded: a run does not replay.</summary>
    public async Task DropAsync(Address peer, double outbound, double inbound)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (outbound is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(outbound), outbound, "a probability is 0..1");
        if (inbound is < 0 or > 1) throw new ArgumentOutOfRangeException(nameof(inbound), inbound, "a probability is 0..1");
        await CommandAsync(new FailureInjectorTransportAdapter.One(peer, new FailureInjectorTransportAdapter.Drop(outbound, inbound))).ConfigureAwait(false);
        rules[Key(peer)] = FormattableString.Invariant($"drop outbound {outbound} inbound {inbound}");
    }

    /// <summary>Lets all traffic with <paramref name="peer"/> through again, both ways.</summary>
    public async Task HealAsync(Address peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        await CommandAsync(new SetThrottle(peer, ThrottleTransportAdapter.Direction.Both, Unthrottled.Instance)).ConfigureAwait(false);
        await CommandAsync(new FailureInjectorTransportAdapter.One(peer, FailureInjectorTransportAdapter.PassThru.Instance)).ConfigureAwait(false);
        rules.TryRemove(Key(peer), out _);
    }

    /// <summary>Heals every peer a fault was set for here.</summary>
    public async Task HealAllAsync()
    {
        foreach (var peer in rules.Keys) await HealAsync(peer).ConfigureAwait(false);
    }

    public override string ToString() => $"faults of {Self}: {string.Join(", ", rules.Select(r => $"{r.Key} {r.Value}"))}";

    /// <summary>Peers are keyed by host:port, as the throttler matches them.</summary>
    private static Address Key(Address peer) => new("akka", peer.System, peer.Host, peer.Port);

    private async Task CommandAsync(object command)
    {
        if (!await transport.ManagementCommand(command).ConfigureAwait(false))
            throw new InvalidOperationException($"the transport of {Self} refused {command.GetType().Name}: are the fault adapters applied?");
    }
}
