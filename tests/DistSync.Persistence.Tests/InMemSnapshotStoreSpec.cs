using DistSync.Persistence.InMem;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests;

public sealed class InMemSnapshotStoreSpec : SnapshotStoreSpec
{
    private readonly InMemStorage _storage = new();

    protected override Task<ISnapshotStore> OpenStoreAsync() => Task.FromResult<ISnapshotStore>(new InMemSnapshotStore(_storage));

    protected override Task CorruptStoredSnapshotAsync(SnapshotMetadata metadata)
    {
        new InMemSnapshotStore(_storage).CorruptStoredBlob(metadata.PersistenceId, metadata.SequenceNr);
        return Task.CompletedTask;
    }
}
