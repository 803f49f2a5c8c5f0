using DistSync.Cluster.Serialization;

namespace DistSync.Cluster;

/// <summary>
/// Wire type ids of the cluster module (block 1000-1999), the manifests of <see cref="DistSyncWireSerializer"/> for
/// its messages. Written on the wire: never renumber, only add.
/// </summary>
public static class ClusterMessageIds
{
    public const uint GetNodeInfo = 1000;
    public const uint NodeInfo = 1001;

    public static void Register(MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(GetNodeInfo, Wire.GetNodeInfo.Parser);
        registry.Register(NodeInfo, Wire.NodeInfo.Parser);
    }
}
