using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using DistSync.Security;
using Serilog;

namespace DistSync.Persistence.Encryption;

/// <summary>
/// Encryption at rest around any journal engine: every event is sealed (<see cref="RecordSealer"/>) before the
/// engine sees it, so the engine stores only ciphertext under type id <see cref="PersistenceTypeIds.EncryptedPayload"/>;
/// persistence ids and sequence numbers stay plaintext, the engines key on them. On replay a record that does not
/// open faults the replay (the persistent actor's recovery fails) before it is handed on: altered data is never
/// replayed. Each refusal is logged with the record and key id and counted in <see cref="DataAtRestMetrics"/>.
/// </summary>
internal sealed class EncryptedJournal(IJournal engine, RecordSealer sealer, DataAtRestMetrics metrics, ILogger log, bool ownsEngine) : IJournal
{
    public IJournal Engine { get; } = engine;

    public long CommittedTransactions => Engine.CommittedTransactions;

    public Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        var sealedBatch = new AtomicWrite[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var events = batch[i].Events;
            var sealedEvents = new PersistentRepr[events.Count];
            for (var j = 0; j < events.Count; j++)
            {
                var e = events[j];
                sealedEvents[j] = new PersistentRepr(e.PersistenceId, e.SequenceNr, PersistenceTypeIds.EncryptedPayload,
                    sealer.SealEvent(e.PersistenceId, e.SequenceNr, e.TypeId, e.Payload));
            }
            sealedBatch[i] = new AtomicWrite(sealedEvents);
        }
        return Engine.WriteMessagesAsync(sealedBatch, cancellationToken);
    }

    // async, so a refusal inside an engine that calls back synchronously (in-memory) still faults the task
    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default) =>
        await Engine.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, r => onReplayed(Open(r)), cancellationToken).ConfigureAwait(false);

    private PersistentRepr Open(PersistentRepr stored)
    {
        try
        {
            var (typeId, payload) = sealer.OpenEvent(stored.PersistenceId, stored.SequenceNr, stored.TypeId, stored.Payload);
            return new PersistentRepr(stored.PersistenceId, stored.SequenceNr, typeId, payload);
        }
        catch (DataDecryptionException e)
        {
            metrics.CountJournal();
            log.Error("Encryption at rest refused {Record:l} (key id {KeyId:l}): {Reason:l}; the recovery of {PersistenceId:l} fails",
                e.Record, e.KeyId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none", e.Reason, stored.PersistenceId);
            throw;
        }
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        Engine.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Engine.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (ownsEngine) await Engine.DisposeAsync().ConfigureAwait(false);
        sealer.Dispose();
    }
}
