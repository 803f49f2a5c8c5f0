using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Cluster.Serialization;
using DistSync.Persistence;
using DistSync.Persistence.Plugins;
using DistSync.Persistence.Serialization;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The setup of an actor system that hosts Raft: the wire serializer with Raft's type ids (and the caller's), the
/// dsync persistence plugins with Raft's journal event types, over the caller's Akka config. Both registries are
/// complete before the system starts, as they must be: a peer's first message may arrive at once.
/// </summary>
public static class RaftSystemSetup
{
    /// <param name="akka">the node's Akka config (remoting, cluster, logging); the serialization and persistence
    /// blocks rendered here take precedence over it</param>
    /// <param name="registerWire">registers the node's other cross-node message types</param>
    /// <param name="engines">injected journal/snapshot engines (specs); null: from <paramref name="persistence"/></param>
    public static ActorSystemSetup Create(Config akka, PersistenceSettings persistence, Action<MessageTypeRegistry>? registerWire = null,
        PersistenceEngineSetup? engines = null, params Setup[] more)
    {
        ArgumentNullException.ThrowIfNull(akka);
        ArgumentNullException.ThrowIfNull(persistence);
        var wire = new MessageTypeRegistry();
        RaftMessageIds.Register(wire);
        registerWire?.Invoke(wire);
        var events = PersistenceSerializerRegistry.CreateWithBuiltIns();
        RaftMessageIds.Register(events);
        var config = ConfigurationFactory.ParseString(WireSerialization.Config(wire) + "\n" + PersistencePlugins.Config(persistence, events))
            .WithFallback(akka);
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(config), new WireRegistrySetup(wire), new EventRegistrySetup(events));
        if (engines is not null) setup = setup.And(engines);
        foreach (var s in more) setup = setup.And(s);
        return setup;
    }
}
