using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>
/// An in-memory journal whose writes can be held back: while <see cref="Close"/>d every write waits until
/// <see cref="Open"/>, as a stalled disk would. <see cref="WriteHeld"/> completes once a write is waiting.
/// </summary>
internal sealed class GatedJournal : IJournal
{
    private readonly InMemJournal inner = new(new InMemStorage());
    private readonly object gate = new();
    private TaskCompletionSource opened = Completed();
    private TaskCompletionSource held = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a write is held by the closed gate.</summary>
    public Task WriteHeld
    {
        get
        {
            lock (gate) return held.Task;
        }
    }

    public long CommittedTransactions => inner.CommittedTransactions;

    public void Close()
    {
        lock (gate)
        {
            if (opened.Task.IsCompleted) opened = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    public void Open()
    {
        lock (gate) opened.TrySetResult();
    }

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        Task wait;
        lock (gate)
        {
            wait = opened.Task;
            if (!wait.IsCompleted) held.TrySetResult();
        }
        await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        await inner.WriteMessagesAsync(batch, cancellationToken).ConfigureAwait(false);
    }

    public Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default) =>
        inner.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, cancellationToken);

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync()
    {
        Open();
        return inner.DisposeAsync();
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }
}
