using DistSync.Actors;
using DistSync.Cluster.Wire;

namespace DistSync.Cluster.Membership;

/// <summary>Answers <see cref="GetNodeInfo"/> with this node's identity; lives at <c>/system/node-info</c>.</summary>
public sealed class NodeInfoActor : ReceiveActor
{
    public const string Name = "node-info";

    public NodeInfoActor(NodeInfo self)
    {
        Receive<GetNodeInfo>(_ => Sender.Tell(self, Self));
    }
}
