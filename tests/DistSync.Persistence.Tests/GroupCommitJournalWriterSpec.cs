using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;

namespace DistSync.Persistence.Tests;

public sealed class GroupCommitJournalWriterSpec
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>An in-memory journal whose first batch blocks until released, and which rejects one persistence id.</summary>
    private sealed class GatedJournal : IJournal
    {
        private readonly InMemJournal _inner = new();
        private int _calls;

        public TaskCompletionSource FirstBatchEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource ReleaseFirstBatch { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<int> BatchSizes { get; } = new();
        public string? RejectedPersistenceId { get; init; }

        public long CommittedTransactions => _inner.CommittedTransactions;

        public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
        {
            lock (BatchSizes) BatchSizes.Add(batch.Count);
            if (Interlocked.Increment(ref _calls) == 1)
            {
                FirstBatchEntered.SetResult();
                await ReleaseFirstBatch.Task;
            }
            foreach (var w in batch)
                if (w.PersistenceId == RejectedPersistenceId) throw new IOException($"disk refuses {w.PersistenceId}");
            await _inner.WriteMessagesAsync(batch, cancellationToken);
        }

        public Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max, Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default) =>
            _inner.ReplayMessagesAsync(persistenceId, fromSequenceNr, toSequenceNr, max, onReplayed, cancellationToken);

        public Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default) =>
            _inner.ReadHighestSequenceNrAsync(persistenceId, fromSequenceNr, cancellationToken);

        public Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default) =>
            _inner.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    private static AtomicWrite Write(string pid, long seqNr) => new(new PersistentRepr(pid, seqNr, 1, new byte[] { (byte)seqNr }));

    [Fact]
    public async Task Writes_queued_while_a_batch_is_in_flight_are_committed_together_in_one_transaction()
    {
        var journal = new GatedJournal();
        await using var writer = new GroupCommitJournalWriter(journal);

        var first = writer.WriteAsync(Write("a", 1));
        await journal.FirstBatchEntered.Task.WaitAsync(Generous);
        var queued = new List<Task>();
        for (var i = 0; i < 200; i++) queued.Add(writer.WriteAsync(Write($"p{i % 20}", i / 20 + 1)));
        journal.ReleaseFirstBatch.SetResult();
        await Task.WhenAll(queued.Append(first)).WaitAsync(Generous);

        Assert.Equal(new[] { 1, 200 }, journal.BatchSizes);
        Assert.Equal(2, writer.Transactions);
        Assert.Equal(201, writer.EventsWritten);
        var replayed = new List<long>();
        await journal.ReplayMessagesAsync("p3", 1, long.MaxValue, long.MaxValue, e => replayed.Add(e.SequenceNr));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), replayed);
    }

    [Fact]
    public async Task A_batch_is_capped_at_the_configured_size()
    {
        var journal = new GatedJournal();
        await using var writer = new GroupCommitJournalWriter(journal, maxBatchSize: 64);

        var first = writer.WriteAsync(Write("a", 1));
        await journal.FirstBatchEntered.Task.WaitAsync(Generous);
        var queued = Enumerable.Range(1, 150).Select(i => writer.WriteAsync(Write("b", i))).ToList();
        journal.ReleaseFirstBatch.SetResult();
        await Task.WhenAll(queued.Append(first)).WaitAsync(Generous);

        Assert.Equal(new[] { 1, 64, 64, 22 }, journal.BatchSizes);
    }

    [Fact]
    public async Task A_rejected_write_fails_alone_and_its_batch_neighbours_are_stored()
    {
        var journal = new GatedJournal { RejectedPersistenceId = "bad" };
        await using var writer = new GroupCommitJournalWriter(journal);

        var first = writer.WriteAsync(Write("a", 1));
        await journal.FirstBatchEntered.Task.WaitAsync(Generous);
        var good1 = writer.WriteAsync(Write("good", 1));
        var bad = writer.WriteAsync(Write("bad", 1));
        var good2 = writer.WriteAsync(Write("good", 2));
        journal.ReleaseFirstBatch.SetResult();

        await first.WaitAsync(Generous);
        await good1.WaitAsync(Generous);
        await good2.WaitAsync(Generous);
        var error = await Assert.ThrowsAsync<IOException>(() => bad.WaitAsync(Generous));
        Assert.Contains("bad", error.Message);
        Assert.Equal(2, await journal.ReadHighestSequenceNrAsync("good", 0));
        Assert.Equal(0, await journal.ReadHighestSequenceNrAsync("bad", 0));
    }

    [Fact]
    public async Task A_write_after_shutdown_fails_instead_of_hanging()
    {
        var writer = new GroupCommitJournalWriter(new InMemJournal());
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => writer.WriteAsync(Write("late", 1)).WaitAsync(Generous));
    }
}
