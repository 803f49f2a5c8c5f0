using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Sharding;

namespace DistSync.Cluster.Tests.Sharding;

/// <summary>One in-process cluster node for the multi-node specs: a real ActorSystem over Akka.Remote (DotNetty TCP) on
/// 127.0.0.1 with a free port, provider = cluster, NoDowning (Raft is the only authority that downs), the node id as
/// its <c>dsync-node:</c> role, the wire serializer with the key-home ids, and <see cref="KeyHomes.Config"/>.</summary>
internal static class LoopbackNode
{
    public const string SystemName = "dsync";

    public static ActorSystem Start(string nodeId)
    {
        var registry = new MessageTypeRegistry();
        KeyHomeMessageIds.Register(registry);
        var config = ConfigurationFactory.ParseString($$"""
            akka {
              loglevel = WARNING
              # Teardown stops the nodes abruptly (all at once a graceful leave would wait out the exiting timeouts);
              # a graceful leave is exercised explicitly with Cluster.Leave, which runs coordinated shutdown itself.
              coordinated-shutdown.run-by-actor-system-terminate = off
              actor.provider = cluster
              remote.dot-netty.tcp { hostname = "127.0.0.1", port = 0 }
              cluster {
                roles = ["{{NodeIdentity.RoleFor(nodeId)}}"]
                downing-provider-class = "Akka.Cluster.NoDowning, Akka.Cluster"
                # Short so that a join's rebalance finishes in seconds, not tens of seconds; correctness does not depend on it.
                sharding.rebalance-interval = 1s
              }
            }
            """)
            .WithFallback(ConfigurationFactory.ParseString(WireSerialization.Config(registry)))
            .WithFallback(KeyHomes.Config);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), new WireRegistrySetup(registry));
        return ActorSystem.Create(SystemName, setup);
    }
}
