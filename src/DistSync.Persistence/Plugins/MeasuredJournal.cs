using System.Diagnostics;
using DistSync.Persistence.Journal;

namespace DistSync.Persistence.Plugins;

/// <summary>Times and counts every batch the group-commit writer hands the engine (<see cref="JournalPluginMetrics"/>);
/// everything else passes straight through.</summary>
internal sealed class MeasuredJournal(IJournal engine, JournalPluginMetrics metrics) : IJournal
{
    public IJournal Engine { get; } = engine;

    public long CommittedTransactions => Engine.CommittedTransactions;

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        var events = 0;
        for (var i = 0; i < batch.Count; i++) events += batch[i].Events.Count;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await Engine.WriteMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            metrics.RecordBatch(batch.Count, events, Stopwatch.GetElapsedTime(started), committed: false);
            throw;
        }
        metrics.RecordBatch(batch.Count, events, Stopwatch.GetElapsedTime(started), committed: true);
    }

    public Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default) =>
        Engine.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        Engine.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Engine.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync() => Engine.DisposeAsync();
}
