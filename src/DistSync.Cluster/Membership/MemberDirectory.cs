using System.Collections.Concurrent;
using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.FailureDetection;
using DistSync.Cluster.Wire;

namespace DistSync.Cluster.Membership;

/// <summary>
/// The members this node knows: itself, the configured seeds and whoever it has heard from, with node ids
/// learned through <see cref="GetNodeInfo"/> and reachability (status + phi) read live from the failure
/// detector. Thread-safe: HTTP handlers read it while the <see cref="MemberDirectoryActor"/> updates it.
/// </summary>
public sealed class MemberDirectory(NodeInfo self, RemoteActorRefProvider remoting)
{
    private readonly ConcurrentDictionary<Address, NodeInfo> _known = new();

    public NodeInfo Self { get; } = self;

    public Address SelfAddress => remoting.LocalAddress;

    /// <summary>Records what <paramref name="peer"/> said about itself.</summary>
    public void Learn(Address peer, NodeInfo info) => _known[peer] = info;

    public NodeInfo? InfoOf(Address peer) => _known.TryGetValue(peer, out var info) ? info : null;

    /// <summary>The HTTP endpoint of the member with <paramref name="nodeId"/>, if it is known.</summary>
    public string? HttpEndpointOf(string nodeId)
    {
        if (nodeId == Self.NodeId) return Self.HttpEndpoint;
        foreach (var info in _known.Values)
        {
            if (info.NodeId == nodeId) return info.HttpEndpoint;
        }
        return null;
    }

    /// <summary>Every member, this node first, then peers by address.</summary>
    public IReadOnlyList<MemberState> Members()
    {
        var peers = remoting.PeerStatuses();
        var result = new List<MemberState>(peers.Count + 1)
        {
            new(SelfAddress, Self.NodeId, Self.HttpEndpoint, "up", 0.0),
        };
        var sorted = new List<PeerStatus>(peers);
        sorted.Sort((a, b) => string.CompareOrdinal(a.Address.ToString(), b.Address.ToString()));
        foreach (var peer in sorted)
        {
            var info = InfoOf(peer.Address);
            var status = peer.Reachability switch
            {
                PeerReachability.Up => "up",
                PeerReachability.Unreachable => "unreachable",
                _ => "joining",
            };
            // Round for display; "+ 0.0" turns a negative zero into 0.
            result.Add(new MemberState(peer.Address, info?.NodeId, info?.HttpEndpoint, status, Math.Round(Math.Max(0.0, peer.Phi), 3) + 0.0));
        }
        return result;
    }
}
