using DistSync.Persistence.Journal;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// Wraps a real engine and holds its FIRST batch until <see cref="Release"/>, so a spec can make writes queue
/// behind an in-flight batch without any timing; also fails writes on demand.
/// </summary>
public sealed class HeldJournal(IJournal inner) : IJournal
{
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _batches;

    public IJournal Inner { get; } = inner;

    /// <summary>Completes when the first batch reached the engine and is being held.</summary>
    public TaskCompletionSource FirstBatchHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Exception? FailWritesWith { get; set; }

    public long CommittedTransactions => Inner.CommittedTransactions;

    public void Release() => _release.TrySetResult();

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _batches) == 1)
        {
            FirstBatchHeld.TrySetResult();
            await _release.Task.ConfigureAwait(false);
        }
        if (FailWritesWith is { } error) throw error;
        await Inner.WriteMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default) =>
        Inner.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        Inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        Inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync() => Inner.DisposeAsync();
}
