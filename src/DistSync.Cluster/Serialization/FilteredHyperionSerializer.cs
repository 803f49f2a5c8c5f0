using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace DistSync.Cluster.Serialization;

/// <summary>
/// Akka's Hyperion serializer with <see cref="HyperionAllowList"/> as its type filter. A subclass, because Akka
/// 1.5.73 builds Hyperion's options from the HOCON settings only: a type filter given by HyperionSerializerSetup is
/// kept in <see cref="HyperionSerializer.Settings"/> but never reaches the serializer (measured: its options still
/// held the disabled filter), and HOCON's <c>allowed-types</c> takes exact type names, not a namespace.
/// </summary>
public sealed class FilteredHyperionSerializer : HyperionSerializer
{
    public FilteredHyperionSerializer(ExtendedActorSystem system)
        : base(system, Filtered(HyperionSerializerSettings.Default))
    {
    }

    public FilteredHyperionSerializer(ExtendedActorSystem system, Config config)
        : base(system, Filtered(HyperionSerializerSettings.Create(config)))
    {
    }

    private static HyperionSerializerSettings Filtered(HyperionSerializerSettings s) =>
        new(s.PreserveObjectReferences, s.VersionTolerance, s.KnownTypesProvider, s.PackageNameOverrides, s.Surrogates, disallowUnsafeType: true,
            HyperionAllowList.Instance);
}
