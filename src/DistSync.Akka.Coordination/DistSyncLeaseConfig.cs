using System.Text;
using Akka.Configuration;

namespace DistSync.Akka.Coordination;

/// <summary>The lease's defaults: the embedded <c>reference.conf</c>, the one place they are written.</summary>
public static class DistSyncLeaseConfig
{
    /// <summary>The config path of the lease block; what <c>lease-implementation</c> names.</summary>
    public const string Path = "dsync-lease";

    private const string ResourceName = "DistSync.Akka.Coordination.reference.conf";

    private static readonly Lazy<Config> Loaded = new(Load);

    /// <summary>A config holding <c>dsync-lease { ... }</c> with every default; use as a fallback of the system's config.</summary>
    public static Config Default => Loaded.Value;

    private static Config Load()
    {
        using var stream = typeof(DistSyncLeaseConfig).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"resource {ResourceName} is missing from {typeof(DistSyncLeaseConfig).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return ConfigurationFactory.ParseString(reader.ReadToEnd());
    }
}
