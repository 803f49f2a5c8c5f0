using System.Buffers.Binary;
using System.Globalization;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Redis;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using StackExchange.Redis;

namespace DistSync.Persistence.Tests;

/// <summary>
/// Pins the Redis key layout (Akka.Persistence.Redis's names and types under the node prefix, issue 11) by reading
/// the server with a raw connection after writes, snapshots and deletes.
/// </summary>
public sealed class RedisKeyLayoutSpec : IClassFixture<RedisServerFixture>, IAsyncLifetime
{
    private static int _instances;
    private readonly RedisServerFixture _server;
    private readonly string _node = $"dsync:layout-spec-{Interlocked.Increment(ref _instances)}";
    private ConnectionMultiplexer _raw = null!;

    public RedisKeyLayoutSpec(RedisServerFixture server) => _server = server;

    private IDatabase Db => _raw.GetDatabase();

    // allowAdmin for INFO commandstats, which counts the EXECs the server ran.
    public async Task InitializeAsync() => _raw = await ConnectionMultiplexer.ConnectAsync($"{_server.Endpoint},allowAdmin=true");

    public Task DisposeAsync()
    {
        _raw.Close(allowCommandsToComplete: false);
        _raw.Dispose();
        return Task.CompletedTask;
    }

    private static PersistentRepr Event(string pid, long seqNr) =>
        new(pid, seqNr, 7, System.Text.Encoding.UTF8.GetBytes($"{pid}-{seqNr}"));

    private static AtomicWrite Write(string pid, long from, long to) =>
        new(Enumerable.Range(0, (int)(to - from + 1)).Select(i => Event(pid, from + i)).ToList());

    private async Task<RedisJournal> OpenJournalAsync() => new(await _server.ConnectAsync(), _node, ownsConnection: true);

    private async Task<RedisSnapshotStore> OpenSnapshotStoreAsync() => new(await _server.ConnectAsync(), _node, ownsConnection: true);

    /// <summary>Every key under this test's node prefix (without the prefix) with its type, sorted.</summary>
    private async Task<string[]> NodeKeysAsync()
    {
        var server = _raw.GetServer(_server.Endpoint);
        var keys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: _node + ":*")) keys.Add(key!);
        var typed = new List<string>();
        foreach (var key in keys) typed.Add($"{key[(_node.Length + 1)..]} {await Db.KeyTypeAsync(key)}");
        return typed.Order(StringComparer.Ordinal).ToArray();
    }

    private async Task<long> ExecCallsAsync()
    {
        var info = await _raw.GetServer(_server.Endpoint).InfoAsync("commandstats");
        var exec = info.SelectMany(g => g).FirstOrDefault(kv => kv.Key == "cmdstat_exec").Value;
        if (exec is null) return 0;
        var calls = exec.Split(',')[0]; // calls=N,usec=...
        return long.Parse(calls["calls=".Length..], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task A_batch_of_several_persistence_ids_is_one_MULTI_EXEC_into_the_official_keys()
    {
        await using var journal = await OpenJournalAsync();
        await journal.ReadHighestSequenceNrAsync("a", 0); // the old-layout check runs before the first operation
        var execBefore = await ExecCallsAsync();

        await journal.WriteMessagesAsync(new[] { Write("a", 1, 3), Write("b", 1, 2), Write("a", 4, 4) });

        Assert.Equal(1, await ExecCallsAsync() - execBefore);
        Assert.Equal(1, journal.CommittedTransactions);
        Assert.Equal(new[]
        {
            "journal:persisted:a SortedSet",
            "journal:persisted:a:highestSequenceNr String",
            "journal:persisted:b SortedSet",
            "journal:persisted:b:highestSequenceNr String",
            "journal:persistenceIds Set",
        }, await NodeKeysAsync());
        var a = await Db.SortedSetRangeByRankWithScoresAsync($"{_node}:journal:persisted:a");
        Assert.Equal(new double[] { 1, 2, 3, 4 }, a.Select(e => e.Score).ToArray());
        for (var i = 0; i < a.Length; i++)
            Assert.Equal(PersistentReprCodec.Encode(Event("a", i + 1)), (byte[])a[i].Element!); // DistSync's event codec
        Assert.Equal("4", (string?)await Db.StringGetAsync($"{_node}:journal:persisted:a:highestSequenceNr"));
        Assert.Equal("2", (string?)await Db.StringGetAsync($"{_node}:journal:persisted:b:highestSequenceNr"));
        var ids = (await Db.SetMembersAsync($"{_node}:journal:persistenceIds")).Select(v => (string)v!).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { "a", "b" }, ids);
    }

    [Fact]
    public async Task The_highest_sequence_number_survives_deletes_and_is_never_lowered()
    {
        await using var journal = await OpenJournalAsync();
        await journal.WriteMessagesAsync(new[] { Write("a", 1, 3) });
        var events = $"{_node}:journal:persisted:a";
        var highest = $"{_node}:journal:persisted:a:highestSequenceNr";

        await journal.DeleteMessagesToAsync("a", 2);
        Assert.Equal(1, await Db.SortedSetLengthAsync(events));
        Assert.Equal("3", (string?)await Db.StringGetAsync(highest));

        await journal.DeleteMessagesToAsync("a", 3);
        Assert.False(await Db.KeyExistsAsync(events));
        Assert.Equal("3", (string?)await Db.StringGetAsync(highest));
        Assert.Equal(3, await journal.ReadHighestSequenceNrAsync("a", 0));
        Assert.True(await Db.SetContainsAsync($"{_node}:journal:persistenceIds", "a"));

        // A stored value above the batch's (as after a retried older batch) stays: the raise is a max, not a SET.
        await Db.StringSetAsync(highest, 10);
        await journal.WriteMessagesAsync(new[] { Write("a", 4, 4) });
        Assert.Equal("10", (string?)await Db.StringGetAsync(highest));
        Assert.Equal(new double[] { 4 }, (await Db.SortedSetRangeByRankWithScoresAsync(events)).Select(e => e.Score).ToArray());
    }

    [Fact]
    public async Task Snapshots_are_one_sorted_set_per_persistence_id_of_timestamped_CRC_blobs()
    {
        await using var store = await OpenSnapshotStoreAsync();
        var key = $"{_node}:snapshot:a";
        var t5 = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var t7 = t5.AddMinutes(1);
        var s5 = new SerializedSnapshot(11, [1, 2, 3]);
        var s7 = new SerializedSnapshot(11, [4, 5, 6, 7]);
        await store.SaveAsync(new SnapshotMetadata("a", 5, t5), s5);
        await store.SaveAsync(new SnapshotMetadata("a", 7, t7), s7);

        Assert.Equal(new[] { "snapshot:a SortedSet" }, await NodeKeysAsync());
        var entries = await Db.SortedSetRangeByRankWithScoresAsync(key);
        Assert.Equal(new double[] { 5, 7 }, entries.Select(e => e.Score).ToArray());
        Assert.Equal(Member(t5, s5), (byte[])entries[0].Element!);
        Assert.Equal(Member(t7, s7), (byte[])entries[1].Element!);

        var s7b = new SerializedSnapshot(11, [8]);
        await store.SaveAsync(new SnapshotMetadata("a", 7, t7.AddSeconds(1)), s7b); // overwrite at the same seqNr
        entries = await Db.SortedSetRangeByRankWithScoresAsync(key);
        Assert.Equal(new double[] { 5, 7 }, entries.Select(e => e.Score).ToArray());
        Assert.Equal(Member(t7.AddSeconds(1), s7b), (byte[])entries[1].Element!);

        await store.DeleteAsync(new SnapshotMetadata("a", 5, t5));
        Assert.Equal(new double[] { 7 }, (await Db.SortedSetRangeByRankWithScoresAsync(key)).Select(e => e.Score).ToArray());

        await store.DeleteAsync("a", SnapshotSelectionCriteria.Latest);
        Assert.Empty(await NodeKeysAsync());
    }

    /// <summary>The pinned member: UTC ticks (int64 LE), then the "DSS" blob with its CRC-32C.</summary>
    private static byte[] Member(DateTimeOffset timestamp, SerializedSnapshot snapshot)
    {
        var blob = SnapshotBlobCodec.Encode(snapshot);
        var member = new byte[8 + blob.Length];
        BinaryPrimitives.WriteInt64LittleEndian(member, timestamp.UtcTicks);
        blob.CopyTo(member, 8);
        return member;
    }
}
