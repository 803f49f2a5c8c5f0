using Akka.Actor;

namespace DistSync.Cache.Messages;

/// <summary>Local, node cache to its lines: the node at <see cref="Address"/> became unreachable; a line whose home is
/// there drops its copy (that home will drop this node from its directory, and a new home cannot reach this copy).</summary>
public sealed record HomeUnreachable(Address Address);
