using System.Globalization;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Redis;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using StackExchange.Redis;

namespace DistSync.Persistence.Tests;

/// <summary>
/// Data written in DistSync's key layout before issue 11 (<c>j:{pid}</c>, <c>jh</c>, <c>s:{pid}</c>, <c>sb:{pid}</c>,
/// laid down here with raw commands exactly as the old engines wrote them) is moved once into the official layout
/// when an engine opens, and stays readable.
/// </summary>
public sealed class RedisLayoutMigrationSpec : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static int _instances;
    private readonly RedisServerFixture _server;
    private readonly string _node = $"dsync:migration-spec-{Interlocked.Increment(ref _instances)}";
    private readonly CollectingSink _logs = new();
    private readonly ILogger _log;
    private ConnectionMultiplexer _raw = null!;

    private static readonly DateTimeOffset T3 = new(2025, 6, 1, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset T5 = T3.AddHours(1);

    public RedisLayoutMigrationSpec(RedisServerFixture server)
    {
        _server = server;
        _log = new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(_logs).CreateLogger();
    }

    private IDatabase Db => _raw.GetDatabase();

    public async Task InitializeAsync() => _raw = await _server.ConnectAsync();

    public Task DisposeAsync()
    {
        _raw.Close(allowCommandsToComplete: false);
        _raw.Dispose();
        return Task.CompletedTask;
    }

    private static PersistentRepr Event(string pid, long seqNr) =>
        new(pid, seqNr, 7, System.Text.Encoding.UTF8.GetBytes($"{pid}-{seqNr}"));

    private static SerializedSnapshot Snapshot(long seqNr) => new(11, System.Text.Encoding.UTF8.GetBytes($"state@{seqNr}"));

    /// <summary>
    /// The old layout: "a" wrote events 1..5 and deleted 1..2, "b" wrote 1..2 and deleted both (only its highest is
    /// left), and "a" has snapshots at 3 and 5. Plus a key of another node whose id extends ours ("{node}:s:…").
    /// </summary>
    private async Task WriteOldLayoutAsync()
    {
        foreach (var seqNr in new long[] { 3, 4, 5 })
            await Db.SortedSetAddAsync($"{_node}:j:a", PersistentReprCodec.Encode(Event("a", seqNr)), seqNr);
        await Db.HashSetAsync($"{_node}:jh", new[] { new HashEntry("a", 5), new HashEntry("b", 2) });
        foreach (var (seqNr, at) in new[] { (3L, T3), (5L, T5) })
        {
            await Db.SortedSetAddAsync($"{_node}:s:a", string.Create(CultureInfo.InvariantCulture, $"{seqNr}:{at.UtcTicks}"), seqNr);
            await Db.HashSetAsync($"{_node}:sb:a", seqNr, SnapshotBlobCodec.Encode(Snapshot(seqNr)));
        }
        await Db.SortedSetAddAsync($"{_node}:s:other:journal:persisted:x", "not-an-old-index-member", 1);
    }

    private async Task<RedisJournal> OpenJournalAsync() => new(await _server.ConnectAsync(), _node, ownsConnection: true, _log);

    private async Task<RedisSnapshotStore> OpenSnapshotStoreAsync() => new(await _server.ConnectAsync(), _node, _log, ownsConnection: true);

    private static async Task<List<PersistentRepr>> ReplayAsync(IJournal journal, string pid)
    {
        var replayed = new List<PersistentRepr>();
        await journal.ReplayMessagesAsync(pid, 1, long.MaxValue, long.MaxValue, replayed.Add);
        return replayed;
    }

    private async Task AssertMigratedStateAsync(IJournal journal, ISnapshotStore store, long highestOfA)
    {
        var a = await ReplayAsync(journal, "a");
        Assert.Equal(Enumerable.Range(3, (int)highestOfA - 2).Select(i => (long)i), a.Select(e => e.SequenceNr));
        Assert.All(a, e => Assert.Equal(Event("a", e.SequenceNr).Payload, e.Payload));
        Assert.Equal(highestOfA, await journal.ReadHighestSequenceNrAsync("a", 0));
        Assert.Empty(await ReplayAsync(journal, "b"));
        Assert.Equal(2, await journal.ReadHighestSequenceNrAsync("b", 0));

        var latest = await store.LoadAsync("a", SnapshotSelectionCriteria.Latest);
        Assert.NotNull(latest);
        Assert.Equal(new SnapshotMetadata("a", 5, T5), latest.Metadata);
        Assert.Equal(Snapshot(5).Payload, latest.Snapshot.Payload);
        var older = await store.LoadAsync("a", new SnapshotSelectionCriteria(4, DateTimeOffset.MaxValue));
        Assert.Equal(new SnapshotMetadata("a", 3, T3), older?.Metadata);

        foreach (var old in new[] { "j:a", "jh", "s:a", "sb:a" })
            Assert.False(await Db.KeyExistsAsync($"{_node}:{old}"), $"old key {old} is still there");
        Assert.Equal(RedisType.SortedSet, await Db.KeyTypeAsync($"{_node}:journal:persisted:a"));
        Assert.Equal(RedisType.String, await Db.KeyTypeAsync($"{_node}:journal:persisted:b:highestSequenceNr"));
        Assert.Equal(RedisType.SortedSet, await Db.KeyTypeAsync($"{_node}:snapshot:a"));
        var ids = (await Db.SetMembersAsync($"{_node}:journal:persistenceIds")).Select(v => (string)v!).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "a", "b" }, ids);
        // Not ours: left exactly as it was.
        Assert.Equal(new RedisValue[] { "not-an-old-index-member" }, await Db.SortedSetRangeByRankAsync($"{_node}:s:other:journal:persisted:x"));
    }

    [Fact]
    public async Task Old_layout_data_is_moved_into_the_official_keys_on_open_and_logged()
    {
        await WriteOldLayoutAsync();

        await using (var journal = await OpenJournalAsync())
        await using (var store = await OpenSnapshotStoreAsync())
            await AssertMigratedStateAsync(journal, store, highestOfA: 5);

        Assert.Contains(_logs.Messages, m => m.Contains("moved 2 persistence ids (3 events)", StringComparison.Ordinal));
        Assert.Contains(_logs.Messages, m => m.Contains("moved 2 snapshots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_move_happens_once_and_new_writes_continue_after_the_old_events()
    {
        await WriteOldLayoutAsync();
        await using (var journal = await OpenJournalAsync())
        {
            await journal.WriteMessagesAsync(new[] { new AtomicWrite(Event("a", 6)) });
        }

        // Reopening finds no old journal keys: nothing is moved again and the data is unchanged.
        await using (var journal = await OpenJournalAsync())
        await using (var store = await OpenSnapshotStoreAsync())
            await AssertMigratedStateAsync(journal, store, highestOfA: 6);
        await using (var journal = await OpenJournalAsync())
        await using (var store = await OpenSnapshotStoreAsync())
            await AssertMigratedStateAsync(journal, store, highestOfA: 6);
        Assert.Single(_logs.Messages, m => m.Contains("moved 2 persistence ids", StringComparison.Ordinal));
        Assert.Single(_logs.Messages, m => m.Contains("moved 2 snapshots", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_engines_opening_the_same_old_data_at_once_move_it_exactly_once()
    {
        await WriteOldLayoutAsync();
        await using var journal1 = await OpenJournalAsync();
        await using var journal2 = await OpenJournalAsync();
        await using var store1 = await OpenSnapshotStoreAsync();
        await using var store2 = await OpenSnapshotStoreAsync();

        await Task.WhenAll(
            journal1.ReadHighestSequenceNrAsync("a", 0), journal2.ReadHighestSequenceNrAsync("a", 0),
            store1.LoadAsync("a", SnapshotSelectionCriteria.Latest), store2.LoadAsync("a", SnapshotSelectionCriteria.Latest));

        await AssertMigratedStateAsync(journal1, store1, highestOfA: 5);
        await AssertMigratedStateAsync(journal2, store2, highestOfA: 5);
        Assert.Equal(2, await Db.SortedSetLengthAsync($"{_node}:snapshot:a"));
    }

    private sealed class CollectingSink : ILogEventSink
    {
        private readonly List<string> _messages = new();

        public IReadOnlyList<string> Messages
        {
            get { lock (_messages) return _messages.ToList(); }
        }

        public void Emit(LogEvent logEvent)
        {
            lock (_messages) _messages.Add(logEvent.RenderMessage(CultureInfo.InvariantCulture));
        }
    }
}
