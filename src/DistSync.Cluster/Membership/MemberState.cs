using Akka.Actor;

namespace DistSync.Cluster.Membership;

/// <summary>What one node knows of one Akka.Cluster member: identity, endpoints and reachability.</summary>
/// <param name="Address">The member's Akka address (with this system's protocol).</param>
/// <param name="NodeId">From the member's <c>dsync-node:&lt;id&gt;</c> role, else from its <c>NodeInfo</c> answer; null
/// while neither is known.</param>
/// <param name="HttpEndpoint">host:port of its HTTP API, once it answered <c>GetNodeInfo</c>.</param>
/// <param name="Status"><see cref="MemberStatuses"/>: up, unreachable, joining, leaving or down.</param>
/// <param name="Phi">The heartbeat detector's phi (0 for this node and for members not monitored yet). May be
/// +infinity after a long silence: JSON writers clamp it.</param>
public sealed record MemberState(Address Address, string? NodeId, string? HttpEndpoint, string Status, double Phi);
