using DistSync.KeyValue.Wire;
using static DistSync.KeyValue.KvCommands;

namespace DistSync.KeyValue.Tests;

public class KvWatchHistorySpec
{
    private long _index;

    private static KvStateMachine Store(int history = 1_000) => new(new KvLimits(64, 1024, WatchHistory: history));

    private KvResult Apply(KvStateMachine kv, KvCommand command) => kv.Apply(++_index, 1_000 + _index, 0, 0, command);

    private static List<KvChange> Read(KvStateMachine kv, KvPosition after, KvKeyRange range, int max = 1_000)
    {
        var into = new List<KvChange>();
        var read = kv.ReadChanges(after, range, max, into);
        Assert.False(read.Compacted);
        return into;
    }

    [Fact]
    public void The_history_replays_every_change_in_commit_order_with_previous_values()
    {
        var kv = Store();
        Apply(kv, Put("a", "1"));
        Apply(kv, Put("b", "1"));
        Apply(kv, Put("a", "2"));
        Apply(kv, Delete("a"));

        var changes = Read(kv, KvPosition.Before(1), KvKeyRange.All);

        Assert.Equal(new long[] { 1, 2, 3, 4 }, changes.Select(c => c.Version));
        Assert.Equal(("1", 1L), (changes[2].PrevValue, changes[2].PrevVersion));
        Assert.Equal((KvChangeType.Delete, (string?)null, "2"), (changes[3].Type, changes[3].Value, changes[3].PrevValue));
        Assert.Null(changes[0].PrevValue);
    }

    [Fact]
    public void A_read_after_a_position_inside_an_entry_resumes_at_the_next_change_of_that_entry()
    {
        var kv = Store();
        Apply(kv, Put("x/1", "1"));
        Apply(kv, Put("x/2", "1"));
        Apply(kv, Put("x/3", "1"));
        Apply(kv, DeleteRange(KvKeyRange.WithPrefix("x/"))); // entry 4: three changes

        var rest = Read(kv, new KvPosition(4, 0), KvKeyRange.All);

        Assert.Equal(new[] { "x/2", "x/3" }, rest.Select(c => c.Key));
        Assert.Empty(Read(kv, KvPosition.After(4), KvKeyRange.All));
    }

    [Fact]
    public void A_filtered_read_returns_only_matching_keys_but_reports_how_far_it_looked()
    {
        var kv = Store();
        for (var i = 0; i < 10; i++) Apply(kv, Put(i % 2 == 0 ? "even/" + i : "odd/" + i, "v"));

        var into = new List<KvChange>();
        var read = kv.ReadChanges(KvPosition.Before(1), KvKeyRange.WithPrefix("odd/"), 2, into);

        Assert.Equal(new[] { "odd/1", "odd/3" }, into.Select(c => c.Key));
        Assert.Equal(new KvPosition(4, 0), read.Reached);
        Assert.True(read.More);
    }

    [Fact]
    public void Beyond_its_bound_the_history_drops_whole_old_entries_and_says_what_is_compacted()
    {
        var kv = Store(history: 5);
        for (var i = 0; i < 20; i++) Apply(kv, Put("k" + i, "v"));

        Assert.Equal(5, kv.HistoryCount);
        Assert.Equal(15, kv.CompactedThrough);
        var gone = kv.ReadChanges(KvPosition.Before(10), KvKeyRange.All, 100, new List<KvChange>());
        Assert.True(gone.Compacted);
        Assert.Equal(16, gone.OldestVersion);
        Assert.Equal(new long[] { 16, 17, 18, 19, 20 }, Read(kv, KvPosition.Before(16), KvKeyRange.All).Select(c => c.Version));
    }

    [Fact]
    public void An_entry_with_more_changes_than_the_bound_is_kept_whole_until_a_newer_entry_comes()
    {
        var kv = Store(history: 2);
        var txn = MakeTxn(null, Enumerable.Range(0, 5).Select(i => TxnPut("t" + i, "v")));
        Apply(kv, KvCommands.Txn(txn));

        Assert.Equal(5, Read(kv, KvPosition.Before(1), KvKeyRange.All).Count);
        Apply(kv, Put("next", "v"));
        Assert.Equal(1, kv.HistoryCount);
        Assert.Equal(1, kv.CompactedThrough);
    }

    [Fact]
    public void The_history_is_part_of_the_snapshot_and_a_replica_continues_it_identically()
    {
        var kv = Store(history: 50);
        for (var i = 0; i < 80; i++) Apply(kv, Put("k" + (i % 7), "v" + i));
        var replica = Store(history: 50);
        replica.Restore(kv.Snapshot());

        Assert.Equal(kv.Snapshot(), replica.Snapshot());
        var index = _index;
        kv.Apply(index + 1, 9_000, 0, 0, Put("k1", "new"));
        replica.Apply(index + 1, 9_000, 0, 0, Put("k1", "new"));
        Assert.Equal(kv.Snapshot(), replica.Snapshot());
        Assert.Equal(Read(kv, KvPosition.Before(40), KvKeyRange.All), Read(replica, KvPosition.Before(40), KvKeyRange.All));
    }

    [Fact]
    public void A_snapshot_without_a_history_counts_as_compacted_through_its_index()
    {
        var old = new KvSnapshot { LastAppliedIndex = 7 };
        old.Records.Add(new KvRecord { Key = "a", Value = "1", Version = 7 });
        var kv = Store();
        kv.Restore(old.ToByteArrayForTest());

        Assert.Equal(7, kv.CompactedThrough);
        Assert.Equal(7, kv.Get("a")!.Value.CreateVersion);
        Assert.True(kv.ReadChanges(KvPosition.Before(7), KvKeyRange.All, 10, new List<KvChange>()).Compacted);
        Assert.False(kv.ReadChanges(KvPosition.After(7), KvKeyRange.All, 10, new List<KvChange>()).Compacted);
    }

    [Theory]
    [InlineData("12", 12, int.MaxValue)]
    [InlineData("12.3", 12, 3)]
    public void Positions_parse_from_event_ids(string text, long version, int ordinal)
    {
        Assert.True(KvPosition.TryParse(text, out var p));
        Assert.Equal(new KvPosition(version, ordinal), p);
        Assert.Equal(text, p.ToString());
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("1.")]
    [InlineData("-1")]
    [InlineData("1.2.3")]
    public void Garbage_event_ids_do_not_parse(string text) => Assert.False(KvPosition.TryParse(text, out _));
}

internal static class SnapshotBytes
{
    public static byte[] ToByteArrayForTest(this KvSnapshot snapshot) => Google.Protobuf.MessageExtensions.ToByteArray(snapshot);
}
