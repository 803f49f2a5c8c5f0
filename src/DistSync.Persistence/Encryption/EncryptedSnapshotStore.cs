using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using DistSync.Security;
using Serilog;

namespace DistSync.Persistence.Encryption;

/// <summary>
/// Encryption at rest around any snapshot store engine, like <see cref="EncryptedJournal"/>: states are sealed to
/// their persistence id, sequence number and timestamp. The engine's CRC still picks the newest intact blob; one
/// that passes its CRC but not its tag (altered by someone who fixed the CRC, or moved) is refused: the load faults
/// and the recovery fails, logged and counted, rather than falling back to an older state silently.
/// </summary>
internal sealed class EncryptedSnapshotStore(ISnapshotStore engine, RecordSealer sealer, DataAtRestMetrics metrics, ILogger log, bool ownsEngine)
    : ISnapshotStore
{
    public ISnapshotStore Engine { get; } = engine;

    public Task SaveAsync(SnapshotMetadata metadata, SerializedSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var stored = sealer.SealSnapshot(metadata.PersistenceId, metadata.SequenceNr, metadata.Timestamp.UtcTicks, snapshot.TypeId, snapshot.Payload);
        return Engine.SaveAsync(metadata, new SerializedSnapshot(PersistenceTypeIds.EncryptedPayload, stored), cancellationToken);
    }

    public async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        var selected = await Engine.LoadAsync(persistenceId, criteria, cancellationToken).ConfigureAwait(false);
        if (selected is null) return null;
        var m = selected.Metadata;
        try
        {
            var (typeId, payload) = sealer.OpenSnapshot(m.PersistenceId, m.SequenceNr, m.Timestamp.UtcTicks, selected.Snapshot.TypeId, selected.Snapshot.Payload);
            return selected with { Snapshot = new SerializedSnapshot(typeId, payload) };
        }
        catch (DataDecryptionException e)
        {
            metrics.CountSnapshot();
            log.Error("Encryption at rest refused {Record:l} (key id {KeyId:l}): {Reason:l}; the recovery of {PersistenceId:l} fails",
                e.Record, e.KeyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", e.Reason, persistenceId);
            throw;
        }
    }

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) => Engine.DeleteAsync(metadata, cancellationToken);

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        Engine.DeleteAsync(persistenceId, criteria, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (ownsEngine) await Engine.DisposeAsync().ConfigureAwait(false);
        sealer.Dispose();
    }
}
