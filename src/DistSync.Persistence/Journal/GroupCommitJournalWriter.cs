using System.Threading.Channels;
using Serilog;

namespace DistSync.Persistence.Journal;

/// <summary>
/// Group commit of the node (the dsync journal plugin writes through it; tools and benchmarks may too):
/// callers hand their atomic writes to this one writer, which drains
/// everything pending into a single <see cref="IJournal.WriteMessagesAsync"/> call — one transaction, one fsync —
/// while the previous batch is being written (group commit). Writes are committed in the order they were handed
/// in, so the writes of one caller keep their order.
/// </summary>
public sealed class GroupCommitJournalWriter : IAsyncDisposable
{
    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false });
    private readonly IJournal _journal;
    private readonly int _maxBatchSize;
    private readonly ILogger _log;
    private readonly Task _loop;
    private long _transactions;
    private long _eventsWritten;
    private int _pendingRequests;

    /// <summary>One request: the atomic writes of one caller turn, acknowledged together.</summary>
    private readonly record struct PendingWrite(IReadOnlyList<AtomicWrite> Writes, int EventCount, TaskCompletionSource Done);

    public GroupCommitJournalWriter(IJournal journal, int maxBatchSize = 4096, ILogger? log = null)
    {
        _journal = journal ?? throw new ArgumentNullException(nameof(journal));
        if (maxBatchSize < 1) throw new ArgumentOutOfRangeException(nameof(maxBatchSize), maxBatchSize, "a batch holds at least one write");
        _maxBatchSize = maxBatchSize;
        _log = log ?? Serilog.Core.Logger.None;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The journal the batches go to (reads and deletes go to it directly).</summary>
    public IJournal Journal => _journal;

    /// <summary>Write transactions this writer issued (successful or not); one per batch. A batch holds up to the
    /// configured maximum of atomic writes (a request is never split, so one request may overshoot it).</summary>
    public long Transactions => Interlocked.Read(ref _transactions);

    /// <summary>Requests waiting for the next batch (not counting the batch being written).</summary>
    public int PendingRequests => Volatile.Read(ref _pendingRequests);

    /// <summary>Events acknowledged as durable.</summary>
    public long EventsWritten => Interlocked.Read(ref _eventsWritten);

    /// <summary>Completes when <paramref name="write"/> is durable; faults (with the journal's error) when it is not.</summary>
    public Task WriteAsync(AtomicWrite write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return WriteAsync(new[] { write });
    }

    /// <summary>
    /// Completes when every one of <paramref name="writes"/> is durable. They go into the same transaction, so they
    /// succeed or fail together (a persistent actor hands in all the Persist calls of one command this way).
    /// </summary>
    public Task WriteAsync(IReadOnlyList<AtomicWrite> writes)
    {
        ArgumentNullException.ThrowIfNull(writes);
        if (writes.Count == 0) return Task.CompletedTask;
        var events = 0;
        for (var i = 0; i < writes.Count; i++) events += writes[i].Events.Count;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Increment(ref _pendingRequests);
        if (!_queue.Writer.TryWrite(new PendingWrite(writes, events, done)))
        {
            Interlocked.Decrement(ref _pendingRequests);
            done.SetException(new ObjectDisposedException(nameof(GroupCommitJournalWriter), "the journal writer is shut down"));
        }
        return done.Task;
    }

    private async Task RunAsync()
    {
        var reader = _queue.Reader;
        var pending = new List<PendingWrite>(_maxBatchSize);
        var requests = new List<IReadOnlyList<AtomicWrite>>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            pending.Clear();
            requests.Clear();
            var writes = 0;
            while (writes < _maxBatchSize && reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _pendingRequests);
                pending.Add(item);
                requests.Add(item.Writes);
                writes += item.Writes.Count;
            }
            if (pending.Count == 0) continue;
            var failures = await BatchCommitter.CommitAsync(_journal, requests, _log, n => Interlocked.Add(ref _transactions, n))
                .ConfigureAwait(false);
            for (var i = 0; i < pending.Count; i++)
            {
                if (failures[i] is { } error)
                {
                    pending[i].Done.TrySetException(error);
                }
                else
                {
                    Interlocked.Add(ref _eventsWritten, pending[i].EventCount);
                    pending[i].Done.TrySetResult();
                }
            }
        }
    }

    /// <summary>Stops taking writes, finishes the queued ones and returns; does not dispose the journal.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
