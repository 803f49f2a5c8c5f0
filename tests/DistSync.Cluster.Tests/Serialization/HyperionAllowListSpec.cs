using Akka.Actor;
using Akka.Configuration;
using DistSync.Cluster.Serialization;

namespace DistSync.Cluster.Tests.Serialization
{
    /// <summary>Hyperion, the fallback serializer, deserializes DistSync's own types only: a peer cannot make a node
    /// instantiate anything else (issue 19, hardening).</summary>
    public sealed class HyperionAllowListSpec : IDisposable
    {
        private const string Binding = """akka.actor.serialization-bindings { "System.Object" = hyperion }""";

        // the serializers of every node (hocon/akka.conf as embedded in DistSync.Cluster), in a local system
        private readonly ActorSystem filtered = ActorSystem.Create("filtered", ConfigurationFactory.ParseString("akka.actor.provider = local")
            .WithFallback(ConfigurationFactory.ParseString(DistSync.Cluster.Hosting.AkkaConfig.Render(DistSync.Cluster.Hosting.AkkaConfig.LoadStatic()))));

        private readonly ActorSystem unfiltered = ActorSystem.Create("unfiltered", ConfigurationFactory.ParseString(
            "akka.actor.serializers.hyperion = \"Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion\"\n" + Binding));

        public void Dispose()
        {
            filtered.Dispose();
            unfiltered.Dispose();
        }

        private static byte[] Bytes(ActorSystem system, object message) =>
            system.Serialization.FindSerializerFor(message).ToBinary(message);

        private static object Read(ActorSystem system, object sample, byte[] bytes) =>
            system.Serialization.FindSerializerFor(sample).FromBinary(bytes, sample.GetType());

        [Fact]
        public void A_DistSync_type_round_trips_through_the_filtered_Hyperion()
        {
            var message = new OwnMessage("n1", 7);
            Assert.Equal(message, Read(filtered, message, Bytes(unfiltered, message)));
        }

        // Hyperion caches the types it resolved by name for the whole process, so each spec uses its own outside type
        // and reads it with the filtered serializer before anything else resolves it (in a node, nothing unfiltered
        // runs, so only allowed types ever enter that cache).
        [Fact]
        public void A_type_outside_DistSync_is_refused_and_counted()
        {
            var gadget = new Outside.Gadget("rm -rf /");
            var bytes = Bytes(unfiltered, gadget);
            var before = HyperionAllowList.Refused;
            Assert.ThrowsAny<Exception>(() => Read(filtered, gadget, bytes));
            Assert.True(HyperionAllowList.Refused > before);
        }

        [Fact]
        public void A_BCL_collection_smuggling_an_outside_type_is_refused()
        {
            var list = new List<Outside.Smuggled> { new("payload") };
            Assert.ThrowsAny<Exception>(() => Read(filtered, list, Bytes(unfiltered, list)));
        }

        public sealed record OwnMessage(string Node, int Term);
    }
}

namespace Outside
{
    public sealed record Gadget(string Command);

    public sealed record Smuggled(string Command);
}
