using System.Runtime.Serialization;
using Akka.Serialization;
using DistSync.Persistence.Plugins;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>The dsync-event serializer as Akka builds it from the generated bindings and the registry setup.</summary>
public sealed class DistSyncEventSerializerSpec(ITestOutputHelper output)
    : Akka.TestKit.Xunit2.TestKit(Backend.Setup(), "serializer", output)
{
    private static readonly PluginBackend Backend = PluginBackend.InMem();

    [Fact]
    public void Registered_types_are_bound_to_dsync_event_with_the_pinned_id_as_manifest()
    {
        var value = new SpecPayloads.Registered("x");
        var serializer = Sys.Serialization.FindSerializerFor(value);

        Assert.IsType<DistSyncEventSerializer>(serializer);
        Assert.Equal(4101, serializer.Identifier);
        Assert.Equal("60000", Akka.Serialization.Serialization.ManifestFor(serializer, value));
        var bytes = serializer.ToBinary(value);
        Assert.Equal(value, Sys.Serialization.Deserialize(bytes, 4101, "60000"));
    }

    [Fact]
    public void The_built_ins_stay_with_Akka_s_own_serializers_for_everything_else()
    {
        Assert.IsNotType<DistSyncEventSerializer>(Sys.Serialization.FindSerializerFor("text"));
        Assert.IsNotType<DistSyncEventSerializer>(Sys.Serialization.FindSerializerFor(new byte[] { 1 }));
    }

    [Fact]
    public void An_unknown_manifest_is_a_serialization_error_naming_it()
    {
        var serializer = (SerializerWithStringManifest)Sys.Serialization.FindSerializerForType(typeof(SpecPayloads.Registered));

        var error = Assert.Throws<SerializationException>(() => serializer.FromBinary(new byte[] { 1 }, "59999"));
        Assert.Contains("59999", error.Message, StringComparison.Ordinal);
        Assert.Throws<SerializationException>(() => serializer.Manifest(new SpecPayloads.ViaAkka("not registered")));
    }

    [Fact]
    public void Rows_of_the_old_runtime_map_one_to_one_onto_the_serializer_s_manifests()
    {
        // A stored row (type_id 2, UTF-8 bytes) is exactly (4101, "2"): any Akka plugin could read it through Akka.
        var stored = Backend.Registry.Serialize("old row");
        Assert.Equal(Serialization.PersistenceTypeIds.Utf8String, stored.TypeId);
        var serializer = new DistSyncEventSerializer((Akka.Actor.ExtendedActorSystem)Sys, Backend.Registry);
        Assert.Equal("old row", serializer.FromBinary(stored.Payload, "2"));
    }
}
