using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Persistence;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Plugins;
using DistSync.Persistence.Serialization;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>The Akka.Persistence set-up of a spec's node: DistSync's plugins on sqlite in the node's data directory,
/// in memory, or on an injected journal engine (with an in-memory snapshot store).</summary>
internal sealed record TestPersistence(Config Config, IReadOnlyList<Setup> Setups)
{
    public static TestPersistence For(string nodeId, string? dataDir, IJournal? journal)
    {
        var registry = PersistenceSerializerRegistry.CreateWithBuiltIns();
        RaftMessageIds.Register(registry);
        var settings = dataDir is not null
            ? new PersistenceSettings { NodeId = nodeId, DataDirectory = dataDir }
            : new PersistenceSettings { NodeId = nodeId, JournalPlugin = PersistencePlugin.InMem, SnapshotStorePlugin = PersistencePlugin.InMem };
        var setups = new List<Setup> { new EventRegistrySetup(registry) };
        if (journal is not null)
        {
            var snapshots = new InMemStorage();
            setups.Add(new PersistenceEngineSetup(_ => journal, system => new InMemSnapshotStore(snapshots), disposeEngines: false));
        }
        return new TestPersistence(ConfigurationFactory.ParseString(PersistencePlugins.Config(settings, registry)), setups);
    }
}
