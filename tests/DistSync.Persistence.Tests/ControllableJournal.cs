using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;

namespace DistSync.Persistence.Tests;

/// <summary>
/// An in-memory journal a test can hold back (gates), make fail, and inspect (recorded batches).
/// </summary>
public sealed class ControllableJournal : IJournal
{
    private readonly InMemJournal _inner;
    private readonly object _gate = new();
    private TaskCompletionSource? _writeGate;
    private TaskCompletionSource? _replayGate;

    public ControllableJournal(InMemStorage? storage = null) => _inner = new InMemJournal(storage);

    public List<IReadOnlyList<AtomicWrite>> Batches { get; } = new();

    public Exception? FailWritesWith { get; set; }

    public Exception? FailReplayWith { get; set; }

    /// <summary>Signalled when a write reached a closed write gate.</summary>
    public TaskCompletionSource WriteHeld { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public long CommittedTransactions => _inner.CommittedTransactions;

    public void HoldWrites()
    {
        lock (_gate) _writeGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseWrites()
    {
        TaskCompletionSource? gate;
        lock (_gate) (gate, _writeGate) = (_writeGate, null);
        gate?.SetResult();
    }

    public void HoldReplays()
    {
        lock (_gate) _replayGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    public void ReleaseReplays()
    {
        TaskCompletionSource? gate;
        lock (_gate) (gate, _replayGate) = (_replayGate, null);
        gate?.SetResult();
    }

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        Task? gate;
        lock (_gate)
        {
            Batches.Add(batch.ToList());
            gate = _writeGate?.Task;
        }
        if (gate is not null)
        {
            WriteHeld.TrySetResult();
            await gate;
        }
        if (FailWritesWith is { } error) throw error;
        await _inner.WriteMessagesAsync(batch, cancellationToken);
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        Task? gate;
        lock (_gate) gate = _replayGate?.Task;
        if (gate is not null) await gate;
        if (FailReplayWith is { } error) throw error;
        await _inner.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, cancellationToken);
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
        _inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
        _inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
