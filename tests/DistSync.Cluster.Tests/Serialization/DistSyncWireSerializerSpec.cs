using System.Runtime.Serialization;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Cluster.Metrics;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Wire;
using Xunit.Abstractions;

namespace DistSync.Cluster.Tests.Serialization;

/// <summary>
/// The wire serializer as Akka uses it: DistSync's messages are bound to it exactly, with their pinned type id as the
/// manifest; what cannot be parsed is counted and refused (Akka drops that message and logs it), never delivered.
/// </summary>
public sealed class DistSyncWireSerializerSpec(ITestOutputHelper output) : Akka.TestKit.Xunit2.TestKit(Setup(), "wire-spec", output)
{
    private static ActorSystemSetup Setup()
    {
        var registry = new MessageTypeRegistry();
        ClusterMessageIds.Register(registry);
        var config = ConfigurationFactory.ParseString(WireSerialization.Config(registry) + "\nakka.loglevel = WARNING");
        return ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), new WireRegistrySetup(registry));
    }

    private Akka.Serialization.Serialization Serialization => Sys.Serialization;

    [Fact]
    public void A_registered_message_uses_the_wire_serializer_with_its_type_id_as_manifest_and_round_trips()
    {
        var info = new NodeInfo { NodeId = "n1", HttpEndpoint = "127.0.0.1:8080", RemoteAddress = "dsync@127.0.0.1:4053" };
        var serializer = Assert.IsType<DistSyncWireSerializer>(Serialization.FindSerializerFor(info));
        Assert.Equal(4100, serializer.Identifier);
        Assert.Equal("1001", Akka.Serialization.Serialization.ManifestFor(serializer, info));
        var back = Serialization.Deserialize(serializer.ToBinary(info), serializer.Identifier, "1001");
        Assert.Equal(info, back);
    }

    [Fact]
    public void Garbage_bytes_and_unknown_manifests_are_refused_and_counted()
    {
        var serializer = (DistSyncWireSerializer)Serialization.FindSerializerForType(typeof(NodeInfo));
        long before = WireMetrics.Failures;
        Assert.Throws<SerializationException>(() => serializer.FromBinary([0xff, 0xff, 0xff, 0xff, 0x0f], "1001"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([], "999999"));
        Assert.Throws<SerializationException>(() => serializer.FromBinary([], "not-a-number"));
        Assert.True(WireMetrics.Failures >= before + 3);
    }

    [Fact]
    public void A_type_without_a_binding_is_not_taken_by_the_wire_serializer()
    {
        Assert.IsNotType<DistSyncWireSerializer>(Serialization.FindSerializerForType(typeof(Version)));
        var serializer = (DistSyncWireSerializer)Serialization.FindSerializerForType(typeof(NodeInfo));
        Assert.Throws<SerializationException>(() => serializer.Manifest(new Version(1, 0)));
    }

    [Fact]
    public void Dead_letters_are_counted()
    {
        DeadLetterCounter.Start(Sys);
        long before = ClusterMeter.DeadLetters;
        var gone = Sys.ActorOf(Props.Empty, "gone");
        Watch(gone);
        Sys.Stop(gone);
        ExpectTerminated(gone);
        gone.Tell("lost");
        AwaitCondition(() => ClusterMeter.DeadLetters > before, TimeSpan.FromSeconds(10));
    }
}
