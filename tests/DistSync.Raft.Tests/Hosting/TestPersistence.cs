using DistSync.Persistence;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Plugins;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>The persistence of a spec's node: DistSync's plugins on sqlite in the node's data directory, in memory,
/// or on an injected journal engine (with an in-memory snapshot store).</summary>
internal static class TestPersistence
{
    public static (PersistenceSettings Settings, PersistenceEngineSetup? Engines) For(string nodeId, string? dataDir, IJournal? journal)
    {
        var settings = dataDir is not null
            ? new PersistenceSettings { NodeId = nodeId, DataDirectory = dataDir }
            : new PersistenceSettings { NodeId = nodeId, JournalPlugin = PersistencePlugin.InMem, SnapshotStorePlugin = PersistencePlugin.InMem };
        if (journal is null) return (settings, null);
        var snapshots = new InMemStorage();
        return (settings, new PersistenceEngineSetup(_ => journal, _ => new InMemSnapshotStore(snapshots), disposeEngines: false));
    }
}
