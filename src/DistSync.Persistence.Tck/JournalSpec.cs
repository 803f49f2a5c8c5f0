using DistSync.Persistence.Journal;
using Xunit;

namespace DistSync.Persistence.Tck;

/// <summary>
/// Conformance kit every journal plugin must pass. A plugin's test class derives from this one and says how to
/// open its journal; <see cref="OpenJournalAsync"/> must open the SAME underlying store every time it is called
/// within one test (that is how "recovery after reopen" is checked) and a fresh, empty one per test instance.
/// </summary>
public abstract class JournalSpec : IAsyncLifetime
{
    private IJournal? _journal;

    /// <summary>Opens (or reopens) this test's store.</summary>
    protected abstract Task<IJournal> OpenJournalAsync();

    protected IJournal Journal => _journal ?? throw new InvalidOperationException("the journal is not open");

    public virtual async Task InitializeAsync() => _journal = await OpenJournalAsync();

    public virtual async Task DisposeAsync()
    {
        if (_journal is not null) await _journal.DisposeAsync();
        _journal = null;
    }

    protected async Task ReopenAsync()
    {
        await Journal.DisposeAsync();
        _journal = null;
        _journal = await OpenJournalAsync();
    }

    protected static PersistentRepr Event(string pid, long seqNr, int typeId = 7) =>
        new(pid, seqNr, typeId, System.Text.Encoding.UTF8.GetBytes($"{pid}-{seqNr}"));

    protected static AtomicWrite Write(string pid, long from, long to) =>
        new(Enumerable.Range(0, (int)(to - from + 1)).Select(i => Event(pid, from + i)).ToList());

    protected async Task<List<PersistentRepr>> ReplayAsync(string pid, long from = 1, long to = long.MaxValue, long max = long.MaxValue)
    {
        var replayed = new List<PersistentRepr>();
        await Journal.ReplayMessagesAsync(pid, from, to, max, replayed.Add);
        return replayed;
    }

    private static long[] SeqNrs(IEnumerable<PersistentRepr> events) => events.Select(e => e.SequenceNr).ToArray();

    private static long[] Range(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i).ToArray();

    [Fact]
    public async Task Events_replay_in_sequence_number_order_with_their_payload_and_type_id()
    {
        await Journal.WriteMessagesAsync(new[] { Write("a", 1, 1), Write("a", 2, 2) });
        await Journal.WriteMessagesAsync(new[] { Write("a", 3, 5) });

        var replayed = await ReplayAsync("a");

        Assert.Equal(Range(1, 5), SeqNrs(replayed));
        Assert.All(replayed, e =>
        {
            Assert.Equal("a", e.PersistenceId);
            Assert.Equal(7, e.TypeId);
            Assert.Equal($"a-{e.SequenceNr}", System.Text.Encoding.UTF8.GetString(e.Payload));
        });
    }

    [Fact]
    public async Task An_atomic_write_of_several_events_is_never_seen_half_written()
    {
        const int eventsPerWrite = 10;
        const int writes = 40;
        var writer = Task.Run(async () =>
        {
            for (var w = 0; w < writes; w++)
                await Journal.WriteMessagesAsync(new[] { Write("atomic", w * eventsPerWrite + 1, (w + 1) * eventsPerWrite) });
        });
        var observations = new List<int>();
        while (!writer.IsCompleted)
            observations.Add((await ReplayAsync("atomic")).Count);
        await writer;
        observations.Add((await ReplayAsync("atomic")).Count);

        Assert.All(observations, count => Assert.Equal(0, count % eventsPerWrite));
        Assert.Equal(writes * eventsPerWrite, observations[^1]);
    }

    [Fact]
    public async Task Replay_honours_from_to_and_max()
    {
        await Journal.WriteMessagesAsync(new[] { Write("r", 1, 10) });

        Assert.Equal(Range(3, 7), SeqNrs(await ReplayAsync("r", 3, 7)));
        Assert.Equal(Range(3, 4), SeqNrs(await ReplayAsync("r", 3, 7, max: 2)));
        Assert.Equal(Range(8, 10), SeqNrs(await ReplayAsync("r", 8)));
        Assert.Equal(Range(1, 1), SeqNrs(await ReplayAsync("r", 0, 1)));
        Assert.Empty(await ReplayAsync("r", 11));
        Assert.Empty(await ReplayAsync("r", 5, 4));
        Assert.Empty(await ReplayAsync("r", 1, 10, max: 0));
        Assert.Empty(await ReplayAsync("unknown"));
    }

    [Fact]
    public async Task Replay_of_more_events_than_one_page_returns_them_all_in_order()
    {
        await Journal.WriteMessagesAsync(new[] { Write("long", 1, 2500) });

        Assert.Equal(Range(1, 2500), SeqNrs(await ReplayAsync("long")));
        Assert.Equal(Range(1001, 2200), SeqNrs(await ReplayAsync("long", 1001, max: 1200)));
    }

    [Fact]
    public async Task Highest_sequence_number_is_zero_for_an_unknown_persistence_id()
    {
        Assert.Equal(0, await Journal.ReadHighestSequenceNrAsync("nobody", 0));
    }

    [Fact]
    public async Task Highest_sequence_number_survives_deleting_every_event()
    {
        await Journal.WriteMessagesAsync(new[] { Write("h", 1, 5) });
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("h", 0));

        await Journal.DeleteMessagesToAsync("h", 5);

        Assert.Empty(await ReplayAsync("h"));
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("h", 0));
        await ReopenAsync();
        Assert.Equal(5, await Journal.ReadHighestSequenceNrAsync("h", 0));
    }

    [Fact]
    public async Task Delete_to_removes_events_up_to_and_including_the_bound_only()
    {
        await Journal.WriteMessagesAsync(new[] { Write("d", 1, 10), Write("other", 1, 3) });

        await Journal.DeleteMessagesToAsync("d", 4);
        Assert.Equal(Range(5, 10), SeqNrs(await ReplayAsync("d")));

        await Journal.DeleteMessagesToAsync("d", 2); // below what is left: nothing changes
        Assert.Equal(Range(5, 10), SeqNrs(await ReplayAsync("d")));
        Assert.Equal(Range(1, 3), SeqNrs(await ReplayAsync("other")));

        await Journal.WriteMessagesAsync(new[] { Write("d", 11, 12) });
        Assert.Equal(Range(5, 12), SeqNrs(await ReplayAsync("d")));
    }

    [Fact]
    public async Task Events_and_highest_sequence_number_survive_reopening_the_store()
    {
        await Journal.WriteMessagesAsync(new[] { Write("p", 1, 3), Write("q", 1, 2) });
        await Journal.WriteMessagesAsync(new[] { Write("p", 4, 6) });
        await Journal.DeleteMessagesToAsync("q", 1);

        await ReopenAsync();

        Assert.Equal(Range(1, 6), SeqNrs(await ReplayAsync("p")));
        Assert.Equal(Range(2, 2), SeqNrs(await ReplayAsync("q")));
        Assert.Equal(6, await Journal.ReadHighestSequenceNrAsync("p", 0));
        Assert.Equal(2, await Journal.ReadHighestSequenceNrAsync("q", 0));
        await Journal.WriteMessagesAsync(new[] { Write("p", 7, 7) });
        Assert.Equal(7, await Journal.ReadHighestSequenceNrAsync("p", 0));
    }

    [Fact]
    public async Task A_batch_for_many_persistence_ids_is_one_transaction()
    {
        var batch = Enumerable.Range(0, 100).Select(i => Write($"pid-{i}", 1, 3)).ToList();
        var before = Journal.CommittedTransactions;

        await Journal.WriteMessagesAsync(batch);

        Assert.Equal(before + 1, Journal.CommittedTransactions);
        for (var i = 0; i < 100; i++)
        {
            var replayed = await ReplayAsync($"pid-{i}");
            Assert.Equal(Range(1, 3), SeqNrs(replayed));
            Assert.All(replayed, e => Assert.Equal($"pid-{i}", e.PersistenceId));
            Assert.Equal(3, await Journal.ReadHighestSequenceNrAsync($"pid-{i}", 0));
        }
    }

    [Fact]
    public async Task Events_of_one_mebibyte_round_trip_intact()
    {
        var random = new Random(4242);
        var big = new byte[1024 * 1024];
        random.NextBytes(big);
        var bigger = new byte[1024 * 1024 + 17];
        random.NextBytes(bigger);

        await Journal.WriteMessagesAsync(new[] { new AtomicWrite(new[] { new PersistentRepr("big", 1, 3, big), new PersistentRepr("big", 2, 3, bigger) }) });
        await ReopenAsync();

        var replayed = await ReplayAsync("big");
        Assert.Equal(2, replayed.Count);
        Assert.Equal(big, replayed[0].Payload);
        Assert.Equal(bigger, replayed[1].Payload);
    }

    [Fact]
    public async Task An_empty_payload_is_stored_and_replayed()
    {
        await Journal.WriteMessagesAsync(new[] { new AtomicWrite(new PersistentRepr("empty", 1, 1, Array.Empty<byte>())) });

        var replayed = Assert.Single(await ReplayAsync("empty"));
        Assert.Empty(replayed.Payload);
        Assert.Equal(1, replayed.TypeId);
    }

    [Fact]
    public async Task Persistence_ids_that_share_a_prefix_do_not_see_each_others_events()
    {
        await Journal.WriteMessagesAsync(new[] { Write("raft-1", 1, 2), Write("raft-10", 1, 3), Write("raft-1:x", 1, 1) });

        Assert.Equal(Range(1, 2), SeqNrs(await ReplayAsync("raft-1")));
        Assert.Equal(Range(1, 3), SeqNrs(await ReplayAsync("raft-10")));
        Assert.Equal(Range(1, 1), SeqNrs(await ReplayAsync("raft-1:x")));
    }
}
