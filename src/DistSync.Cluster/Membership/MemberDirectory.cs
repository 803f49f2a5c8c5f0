using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Wire;
using AkkaCluster = Akka.Cluster.Cluster;

namespace DistSync.Cluster.Membership;

/// <summary>
/// The Akka.Cluster members as this node sees them, for <c>/status</c>, forwarding and the CLI: membership and
/// reachability read live from <see cref="AkkaCluster.State"/>, phi from the <see cref="PhiRegistry"/>, node ids from
/// the <c>dsync-node:&lt;id&gt;</c> role and HTTP endpoints learned through <see cref="GetNodeInfo"/> (kept current by
/// <see cref="MemberDirectoryActor"/>). Thread-safe and never blocking: HTTP handlers read it while actors update it,
/// and it keeps answering with members that are unreachable for ever (a kill -9 under NoDowning).
/// </summary>
/// <remarks>This is transport-level membership only. Raft's meta group is the authority on who is a member; Akka
/// membership follows it (see <see cref="Downing.RaftDowningProvider"/>).</remarks>
public sealed class MemberDirectory
{
    private readonly AkkaCluster cluster;
    private readonly PhiRegistry phi;
    private readonly ConcurrentDictionary<Address, NodeInfo> known = new();

    public MemberDirectory(AkkaCluster cluster, NodeInfo self)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(self);
        this.cluster = cluster;
        Self = self;
        phi = PhiRegistry.For(cluster.System);
    }

    /// <summary>This node's identity, as <see cref="NodeInfoActor"/> tells it.</summary>
    public NodeInfo Self { get; }

    public Address SelfAddress => cluster.SelfAddress;

    /// <summary>The node id of <paramref name="member"/> from its <see cref="NodeIdentity"/> role, or null (unlike
    /// placement, the directory does not make one up from host:port: it shows what it knows).</summary>
    public static string? NodeIdOf(Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        foreach (var role in member.Roles)
        {
            if (role.StartsWith(NodeIdentity.RolePrefix, StringComparison.Ordinal) && role.Length > NodeIdentity.RolePrefix.Length)
                return role[NodeIdentity.RolePrefix.Length..];
        }
        return null;
    }

    /// <summary>Starts <see cref="NodeInfoActor"/> (<c>/system/node-info</c>) and <see cref="MemberDirectoryActor"/>
    /// (<c>/system/member-directory</c>) on <paramref name="system"/>, and returns the directory they keep.</summary>
    /// <param name="refreshInterval">How often members that have not told their HTTP endpoint are asked again (1s).</param>
    public static MemberDirectory Start(ActorSystem system, NodeInfo self, TimeSpan? refreshInterval = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        var directory = new MemberDirectory(AkkaCluster.Get(system), self);
        var extended = (ExtendedActorSystem)system;
        extended.SystemActorOf(Props.Create(() => new NodeInfoActor(self)), NodeInfoActor.Name);
        extended.SystemActorOf(Props.Create(() => new MemberDirectoryActor(directory, refreshInterval ?? TimeSpan.FromSeconds(1))), MemberDirectoryActor.Name);
        return directory;
    }

    /// <summary>Records what <paramref name="peer"/> said about itself.</summary>
    public void Learn(Address peer, NodeInfo info)
    {
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentNullException.ThrowIfNull(info);
        known[peer] = info;
    }

    /// <summary>Forgets a removed member: what it said and its phi.</summary>
    public void Forget(Address peer)
    {
        known.TryRemove(peer, out _);
        phi.Remove(peer);
    }

    public NodeInfo? InfoOf(Address peer) => known.TryGetValue(peer, out var info) ? info : null;

    /// <summary>The HTTP endpoint of the member with <paramref name="nodeId"/>, if it is known.</summary>
    public string? HttpEndpointOf(string nodeId)
    {
        if (nodeId == Self.NodeId) return Self.HttpEndpoint;
        foreach (var info in known.Values)
        {
            if (info.NodeId == nodeId && !string.IsNullOrEmpty(info.HttpEndpoint)) return info.HttpEndpoint;
        }
        return null;
    }

    /// <summary>The Akka address of the current member with <paramref name="nodeId"/> (by role or NodeInfo), or null.</summary>
    public Address? AddressOf(string nodeId)
    {
        foreach (var m in Members())
        {
            if (m.NodeId == nodeId) return m.Address;
        }
        return null;
    }

    /// <summary>Every member, this node first, then the others by address. This node is listed even before it
    /// joined (as joining).</summary>
    public IReadOnlyList<MemberState> Members()
    {
        var state = cluster.State;
        var unreachable = new HashSet<UniqueAddress>();
        foreach (var m in state.Unreachable) unreachable.Add(m.UniqueAddress);

        var self = cluster.SelfAddress;
        MemberState? selfState = null;
        var others = new List<MemberState>(state.Members.Count);
        foreach (var member in state.Members)
        {
            var address = member.Address;
            var status = MemberStatuses.Of(member.Status, unreachable.Contains(member.UniqueAddress));
            if (address.Equals(self))
            {
                selfState = new MemberState(address, Self.NodeId, Self.HttpEndpoint, status, 0.0);
                continue;
            }
            var info = InfoOf(address);
            others.Add(new MemberState(address, NodeIdOf(member) ?? info?.NodeId, NullIfEmpty(info?.HttpEndpoint), status, Display(phi.PhiOf(address))));
        }
        others.Sort((a, b) => string.CompareOrdinal(a.Address.ToString(), b.Address.ToString()));
        var result = new List<MemberState>(others.Count + 1)
        {
            selfState ?? new MemberState(self, Self.NodeId, Self.HttpEndpoint, MemberStatuses.Joining, 0.0),
        };
        result.AddRange(others);
        return result;
    }

    /// <summary>Rounded for display; "+ 0.0" turns a negative zero into 0. +infinity stays (the HTTP layer clamps).</summary>
    private static double Display(double? value) => value is { } v && !double.IsNaN(v) ? Math.Round(Math.Max(0.0, v), 3) + 0.0 : 0.0;

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;
}
