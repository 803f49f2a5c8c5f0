using DistSync.Cluster.Serialization;
using DistSync.Cluster.Sharding.Wire;

namespace DistSync.Cluster.Sharding;

/// <summary>
/// Wire type ids of the key-home entity's messages, inside the cluster module's block (1000-1999): 1100-1199 are
/// sharding's. Written on the wire as manifests of <see cref="DistSyncWireSerializer"/>: never renumber, only add.
/// </summary>
public static class KeyHomeMessageIds
{
    public const uint WhereIsHome = 1100;
    public const uint HomeLocation = 1101;

    public static void Register(MessageTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(WhereIsHome, Wire.WhereIsHome.Parser);
        registry.Register(HomeLocation, Wire.HomeLocation.Parser);
    }
}
