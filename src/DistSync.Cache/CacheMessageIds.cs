using DistSync.Cluster.Serialization;

namespace DistSync.Cache;

/// <summary>
/// Wire type ids of the cache protocol (block 5000-5999: the cache service). Written on the wire as manifests of
/// <see cref="DistSyncWireSerializer"/>: never renumber, only add.
/// </summary>
public static class CacheMessageIds
{
    public const uint HomeRead = 5000;
    public const uint HomeWrite = 5001;
    public const uint HomeUpgraded = 5002;
    public const uint HomeDropped = 5003;
    public const uint HomeInvalidate = 5004;
    public const uint LineGrant = 5005;
    public const uint LineRefused = 5006;
    public const uint LineDroppedAck = 5007;
    public const uint Recall = 5008;
    public const uint RecallAck = 5009;
    public const uint InvalidateDone = 5010;

    public static void Register(MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(HomeRead, Wire.HomeRead.Parser);
        registry.Register(HomeWrite, Wire.HomeWrite.Parser);
        registry.Register(HomeUpgraded, Wire.HomeUpgraded.Parser);
        registry.Register(HomeDropped, Wire.HomeDropped.Parser);
        registry.Register(HomeInvalidate, Wire.HomeInvalidate.Parser);
        registry.Register(LineGrant, Wire.LineGrant.Parser);
        registry.Register(LineRefused, Wire.LineRefused.Parser);
        registry.Register(LineDroppedAck, Wire.LineDroppedAck.Parser);
        registry.Register(Recall, Wire.Recall.Parser);
        registry.Register(RecallAck, Wire.RecallAck.Parser);
        registry.Register(InvalidateDone, Wire.InvalidateDone.Parser);
    }
}
