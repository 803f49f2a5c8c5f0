using Akka.Actor;
using DistSync.Cluster.Wire;

namespace DistSync.Cluster.Membership;

/// <summary>Answers <see cref="GetNodeInfo"/> with this node's identity; lives at <c>/system/node-info</c>. Roles carry
/// the node id from the start, but the HTTP endpoint is known only once Kestrel bound its port, so peers ask.</summary>
public sealed class NodeInfoActor : ReceiveActor
{
    public const string Name = "node-info";

    /// <param name="self">Read at each request: the host may fill in the HTTP endpoint after start.</param>
    public NodeInfoActor(NodeInfo self)
    {
        ArgumentNullException.ThrowIfNull(self);
        Receive<GetNodeInfo>(_ => Sender.Tell(self.Clone(), Self));
    }
}
