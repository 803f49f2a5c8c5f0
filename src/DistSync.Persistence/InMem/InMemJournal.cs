using DistSync.Persistence.Journal;

namespace DistSync.Persistence.InMem;

/// <summary>Journal in process memory, for unit tests only (nothing survives the process).</summary>
public sealed class InMemJournal : IJournal
{
    private readonly InMemStorage _storage;
    private long _transactions;

    public InMemJournal(InMemStorage? storage = null) => _storage = storage ?? new InMemStorage();

    public long CommittedTransactions => Interlocked.Read(ref _transactions);

    public Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_storage.Gate)
        {
            // Validate the whole batch first so a bad write leaves nothing behind (all or nothing, like a transaction).
            foreach (var write in batch)
            {
                if (_storage.Events.TryGetValue(write.PersistenceId, out var existing))
                {
                    foreach (var e in write.Events)
                        if (existing.ContainsKey(e.SequenceNr))
                            throw new InvalidOperationException($"{e.PersistenceId}#{e.SequenceNr} is already stored");
                }
            }
            foreach (var write in batch)
            {
                if (!_storage.Events.TryGetValue(write.PersistenceId, out var events))
                    _storage.Events[write.PersistenceId] = events = new SortedList<long, PersistentRepr>();
                foreach (var e in write.Events) events.Add(e.SequenceNr, e);
                _storage.Highest.TryGetValue(write.PersistenceId, out var highest);
                _storage.Highest[write.PersistenceId] = Math.Max(highest, write.HighestSequenceNr);
            }
        }
        Interlocked.Increment(ref _transactions);
        return Task.CompletedTask;
    }

    public Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onReplayed);
        var selected = new List<PersistentRepr>();
        lock (_storage.Gate)
        {
            if (_storage.Events.TryGetValue(persistenceId, out var events))
            {
                foreach (var e in events.Values)
                {
                    if (selected.Count >= max) break;
                    if (e.SequenceNr < fromSequenceNr) continue;
                    if (e.SequenceNr > toSequenceNr) break;
                    selected.Add(e);
                }
            }
        }
        foreach (var e in selected)
        {
            cancellationToken.ThrowIfCancellationRequested();
            onReplayed(e);
        }
        return Task.CompletedTask;
    }

    public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        lock (_storage.Gate)
            return Task.FromResult(_storage.Highest.TryGetValue(persistenceId, out var h) ? h : 0L);
    }

    public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        lock (_storage.Gate)
        {
            if (_storage.Events.TryGetValue(persistenceId, out var events))
                while (events.Count > 0 && events.Keys[0] <= toSequenceNr) events.RemoveAt(0);
        }
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
