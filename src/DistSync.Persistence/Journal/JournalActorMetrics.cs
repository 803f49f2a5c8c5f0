namespace DistSync.Persistence.Journal;

/// <summary>Counters of a <see cref="JournalActor"/>, readable from any thread (tests, /metrics, the bench).</summary>
public sealed class JournalActorMetrics
{
    private long _transactions;
    private long _eventsWritten;
    private int _waiting;

    /// <summary>Journal write transactions issued (one per batch, plus one per request when a batch is retried alone).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Events acknowledged as durable.</summary>
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);

    /// <summary>Write requests received and waiting for the next batch (not counting the batch being written).</summary>
    public int WaitingRequests => Volatile.Read(ref _waiting);

    internal void AddTransactions(int n) => Interlocked.Add(ref _transactions, n);

    internal void AddEvents(int n) => Interlocked.Add(ref _eventsWritten, n);

    internal void SetWaiting(int n) => Volatile.Write(ref _waiting, n);
}
