using Akka.Actor;

namespace DistSync.Cluster.Downing;

/// <summary>
/// Tells <see cref="RaftDowningActor"/> to down a member: publish it on the system's event stream (or use
/// <see cref="RaftDowning.Down"/>) once the meta group has committed the member's removal. Local only.
/// </summary>
/// <param name="Address">The member's address; any scheme is fine, it is matched by system, host and port.</param>
/// <param name="Reason">For the log line (e.g. "meta group removed n3 at index 42").</param>
public sealed record DownMember(Address Address, string Reason) : INoSerializationVerificationNeeded;
