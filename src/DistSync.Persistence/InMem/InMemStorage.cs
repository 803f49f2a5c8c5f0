using DistSync.Persistence.Journal;
using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.InMem;

/// <summary>
/// The data behind the in-memory plugins. Kept apart from the journal and store objects so a test can "reopen"
/// a store by creating a new journal over the same storage.
/// </summary>
public sealed class InMemStorage
{
    internal object Gate { get; } = new();

    internal Dictionary<string, SortedList<long, PersistentRepr>> Events { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, long> Highest { get; } = new(StringComparer.Ordinal);

    internal Dictionary<string, SortedList<long, (SnapshotMetadata Metadata, byte[] Blob)>> Snapshots { get; } = new(StringComparer.Ordinal);
}
