using System.Threading.Channels;
using Serilog;

namespace DistSync.Persistence.Journal;

/// <summary>
/// The node-wide journal writer: every persistent actor hands its atomic writes to this one writer, which drains
/// everything pending into a single <see cref="IJournal.WriteMessagesAsync"/> call — one transaction, one fsync —
/// while the previous batch is being written (group commit). Writes are committed in the order they were handed
/// in, so the writes of one actor keep their order.
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
        var writes = new List<AtomicWrite>(_maxBatchSize);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            pending.Clear();
            writes.Clear();
            while (writes.Count < _maxBatchSize && reader.TryRead(out var item))
            {
                Interlocked.Decrement(ref _pendingRequests);
                pending.Add(item);
                for (var i = 0; i < item.Writes.Count; i++) writes.Add(item.Writes[i]);
            }
            if (pending.Count == 0) continue;
            try
            {
                Interlocked.Increment(ref _transactions);
                await _journal.WriteMessagesAsync(writes).ConfigureAwait(false);
                var events = 0;
                foreach (var p in pending)
                {
                    events += p.EventCount;
                    p.Done.TrySetResult();
                }
                Interlocked.Add(ref _eventsWritten, events);
            }
            catch (Exception batchError) when (pending.Count > 1)
            {
                // One bad write must not fail its neighbours: the batch left nothing behind (a transaction, or
                // idempotent commands on Redis), so each write is retried alone to find out whose it was.
                _log.Warning(batchError, "Journal batch of {Count} writes failed; retrying them one by one", pending.Count);
                foreach (var p in pending) await WriteAloneAsync(p).ConfigureAwait(false);
            }
            catch (Exception error)
            {
                pending[0].Done.TrySetException(error);
            }
        }
    }

    private async Task WriteAloneAsync(PendingWrite p)
    {
        try
        {
            Interlocked.Increment(ref _transactions);
            await _journal.WriteMessagesAsync(p.Writes).ConfigureAwait(false);
            Interlocked.Add(ref _eventsWritten, p.EventCount);
            p.Done.TrySetResult();
        }
        catch (Exception error)
        {
            p.Done.TrySetException(error);
        }
    }

    /// <summary>Stops taking writes, finishes the queued ones and returns; does not dispose the journal.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
    }
}
