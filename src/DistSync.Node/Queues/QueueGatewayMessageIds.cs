using DistSync.Cluster.Serialization;

namespace DistSync.Node.Queues;

/// <summary>
/// Wire type ids of the queue gateway's messages (block 4000-4999: the queue service). Written on the wire as manifests of
/// DistSyncWireSerializer: never renumber, only add.
/// </summary>
public static class QueueGatewayMessageIds
{
    public const uint PartitionCall = 4000;
    public const uint PartitionAnswer = 4001;

    public static void Register(MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(PartitionCall, Wire.PartitionCall.Parser);
        registry.Register(PartitionAnswer, Wire.PartitionAnswer.Parser);
    }
}
