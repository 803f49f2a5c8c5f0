namespace DistSync.Persistence.Snapshot;

/// <summary>
/// A snapshot-store plugin. Blobs are stored with a checksum (<see cref="Serialization.SnapshotBlobCodec"/>);
/// a load skips a blob whose checksum fails, logs a warning and falls back to the next older matching snapshot.
/// </summary>
public interface ISnapshotStore : IAsyncDisposable
{
    /// <summary>Stores (or replaces) the snapshot identified by <paramref name="metadata"/>'s persistence id and seqNr.</summary>
    Task SaveAsync(SnapshotMetadata metadata, SerializedSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The newest intact snapshot matching <paramref name="criteria"/>, or null.</summary>
    Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);

    /// <summary>Deletes the one snapshot with this persistence id and sequence number.</summary>
    Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default);

    /// <summary>Deletes every snapshot of <paramref name="persistenceId"/> matching <paramref name="criteria"/>.</summary>
    Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default);
}
