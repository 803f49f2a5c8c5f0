using System.Globalization;
using Akka.Actor;
using Akka.Serialization;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// What <see cref="PluginJournalClient"/> persists for an engine-level event of the conformance kit: its type id and
/// bytes as an opaque payload, so the kit's checks of type ids and payloads hold through the Akka plugin.
/// </summary>
public sealed record TckEvent(int TypeId, byte[] Payload)
{
    /// <summary>Bound to <see cref="TckEvent"/> by <see cref="PluginJournalClient.Config"/>: manifest = the type id.</summary>
    public sealed class Serializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
    {
        public override int Identifier => 60_003;

        public override string Manifest(object o) => ((TckEvent)o).TypeId.ToString(CultureInfo.InvariantCulture);

        public override byte[] ToBinary(object obj) => ((TckEvent)obj).Payload;

        public override object FromBinary(byte[] bytes, string manifest) => new TckEvent(int.Parse(manifest, CultureInfo.InvariantCulture), bytes);
    }
}
