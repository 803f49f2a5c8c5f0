using Hyperion;

namespace DistSync.Cluster.Serialization;

/// <summary>
/// Hyperion's allow-list: only DistSync's own types may be deserialized by it. Hyperion stays bound as the fallback
/// for <c>System.Object</c> (every message we send has its own serializer, so it should see none), and its bytes
/// carry type names a peer chooses, so anything else (a gadget type, a BCL collection wrapping one) is refused
/// before it is instantiated, counted in <see cref="WireMetrics.Failures"/> and logged by Akka as a failed message.
/// Installed by <see cref="FilteredHyperionSerializer"/>.
/// </summary>
public sealed class HyperionAllowList : ITypeFilter
{
    /// <summary>The namespace prefix every allowed type name has.</summary>
    public const string AllowedPrefix = "DistSync.";

    public static readonly HyperionAllowList Instance = new();

    private static long refused;

    private HyperionAllowList()
    {
    }

    /// <summary>Type names refused since the process started.</summary>
    public static long Refused => Interlocked.Read(ref refused);

    public bool IsAllowed(string typeName)
    {
        if (typeName is not null && typeName.StartsWith(AllowedPrefix, StringComparison.Ordinal)) return true;
        Interlocked.Increment(ref refused);
        WireMetrics.CountFailure();
        return false;
    }
}
