using DistSync.Actors;

namespace DistSync.Cluster.Membership;

/// <summary>What one node knows of one member: identity (once learned), endpoints and reachability.</summary>
/// <param name="NodeId">Null until the member answered <c>GetNodeInfo</c>.</param>
/// <param name="Status"><c>up</c>, <c>unreachable</c> or <c>joining</c> (configured but never heard from).</param>
public sealed record MemberState(Address Address, string? NodeId, string? HttpEndpoint, string Status, double Phi);
