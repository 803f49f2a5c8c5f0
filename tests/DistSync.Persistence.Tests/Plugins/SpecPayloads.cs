using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>Payload types of the plugin specs and the two test serializers bound to them in <see cref="PluginBackend"/>.</summary>
public static class SpecPayloads
{
    /// <summary>Registered in the PersistenceSerializerRegistry (stored as its pinned id, like Raft's events).</summary>
    public sealed record Registered(string Text);

    /// <summary>Not in the registry; bound to <see cref="TextSerializer"/>, so stored in the Akka envelope.</summary>
    public sealed record ViaAkka(string Text);

    /// <summary>Bound to <see cref="RefusingSerializer"/>: writing it is a rejection.</summary>
    public sealed record Unserializable(string Text);

    /// <summary>Bound to Hyperion: the journal must refuse it (rejection), since Hyperion bytes do not survive upgrades.</summary>
    public sealed record ViaHyperion(string Text);

    public const int RegisteredTypeId = 60_000;

    public sealed class TextSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
    {
        public override int Identifier => 60_001;

        public override string Manifest(object o) => "via-akka";

        public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(((ViaAkka)obj).Text);

        public override object FromBinary(byte[] bytes, string manifest) =>
            manifest == "via-akka" ? new ViaAkka(Encoding.UTF8.GetString(bytes)) : throw new SerializationException($"bad manifest {manifest}");
    }

    public sealed class RefusingSerializer(ExtendedActorSystem system) : Serializer(system)
    {
        public override int Identifier => 60_002;

        public override bool IncludeManifest => false;

        public override byte[] ToBinary(object obj) => throw new SerializationException($"{obj} cannot be serialized (by design of the spec)");

        public override object FromBinary(byte[] bytes, Type type) => throw new SerializationException("never stored");
    }
}
