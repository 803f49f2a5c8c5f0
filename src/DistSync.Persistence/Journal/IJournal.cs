namespace DistSync.Persistence.Journal;

/// <summary>
/// A journal plugin: append-only event storage per persistence id.
/// Implementations are safe for concurrent callers; writes are normally funnelled through one
/// <see cref="GroupCommitJournalWriter"/> per node (inside the dsync journal plugin, <see cref="Plugins.DistSyncJournal"/>) so that a
/// batch is one transaction.
/// </summary>
public interface IJournal : IAsyncDisposable
{
    /// <summary>
    /// Stores a batch in ONE transaction (one fsync): either every atomic write of the batch is durable when the
    /// task completes, or the task faults and none is. Sequence numbers per persistence id only ever grow.
    /// </summary>
    Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default);

    /// <summary>
    /// Calls <paramref name="onReplayed"/> in sequence-number order for the stored events of
    /// <paramref name="persistenceId"/> with <paramref name="fromSequenceNr"/> &lt;= seqNr &lt;= <paramref name="toSequenceNr"/>,
    /// at most <paramref name="max"/> of them.
    /// </summary>
    Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default);

    /// <summary>
    /// The highest sequence number ever written for <paramref name="persistenceId"/>, also when those events were
    /// deleted since; 0 when nothing was written. <paramref name="fromSequenceNr"/> is a hint where to start looking.
    /// </summary>
    Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Deletes the events of <paramref name="persistenceId"/> with seqNr &lt;= <paramref name="toSequenceNr"/>.</summary>
    Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default);

    /// <summary>Write and delete transactions this journal committed (each is one fsync on a durable backend);
    /// housekeeping a plugin does on its own (SQLite's merges) is counted by the plugin separately.</summary>
    long CommittedTransactions { get; }
}
