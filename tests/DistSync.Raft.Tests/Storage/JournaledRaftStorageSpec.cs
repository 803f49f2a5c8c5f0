using DistSync.Raft.Journal;
using DistSync.Raft.Hosting;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Tests.Storage;

/// <summary>The journaled log view survives its own log snapshot: replay puts every entry back at its index.</summary>
public sealed class JournaledRaftStorageSpec
{
    private static JournaledRaftStorage WithEntries(long count, long termFrom = 1)
    {
        var storage = new JournaledRaftStorage();
        var batch = new List<Entry>();
        for (long i = 1; i <= count; i++) batch.Add(new Entry { Index = i, Term = termFrom + i / 10, Data = ByteString.CopyFromUtf8("e" + i) });
        storage.Replay(Appended(batch));
        storage.Replay(new HardStateChanged { HardState = new HardState { Term = termFrom + count / 10, Commit = count } });
        return storage;
    }

    private static EntriesAppended Appended(IEnumerable<Entry> entries)
    {
        var e = new EntriesAppended();
        e.Entries.AddRange(entries);
        return e;
    }

    private static JournaledRaftStorage Replayed(params object[] items)
    {
        var again = new JournaledRaftStorage();
        foreach (var item in items) again.Replay(item);
        return again;
    }

    [Fact]
    public void A_log_compacted_below_its_snapshot_replays_with_every_entry_at_its_own_index()
    {
        // snapshot at 90, compacted to 70: entries 71..100 are retained, 71..90 of them below the snapshot
        var storage = WithEntries(100);
        storage.CreateSnapshot(90, new ConfState { Voters = { 1, 2, 3 } }, ByteString.CopyFromUtf8("state@90"));
        storage.Compact(70);

        var again = Replayed(storage.ToLogState());

        Assert.Equal(71, again.FirstIndex);
        Assert.Equal(100, again.LastIndex);
        Assert.Equal(90, again.Snapshot.Metadata.Index);
        Assert.True(again.TryGetTerm(70, out long t70));
        Assert.Equal(storage.TermOrThrow(70), t70);
        var replayed = new List<Entry>();
        Assert.True(again.TryGetEntries(71, 101, long.MaxValue, int.MaxValue, replayed));
        Assert.Equal(Enumerable.Range(71, 30).Select(i => (long)i), replayed.Select(e => e.Index));
        Assert.All(replayed, e => Assert.Equal("e" + e.Index, e.Data.ToStringUtf8()));
        Assert.Equal(100, again.HardState.Commit);
    }

    [Fact]
    public void Three_snapshots_with_events_between_them_replay_to_the_live_view()
    {
        // the RaftLogActor's life: events, log snapshot (old events deleted), more events, ... then a restart
        var live = new JournaledRaftStorage();
        var journal = new List<object>();
        RaftLogState? logSnapshot = null;
        long index = 0;
        for (int round = 1; round <= 3; round++)
        {
            for (int i = 0; i < 40; i++)
            {
                index++;
                var appended = Appended([new Entry { Index = index, Term = round, Data = ByteString.CopyFromUtf8("e" + index) }]);
                var hs = new HardStateChanged { HardState = new HardState { Term = round, Commit = index } };
                live.Replay(appended);
                live.Replay(hs);
                journal.Add(appended);
                journal.Add(hs);
            }
            live.CreateSnapshot(index - 5, new ConfState { Voters = { 1 } }, ByteString.CopyFromUtf8("state@" + (index - 5)));
            live.Compact(index - 15);
            logSnapshot = live.ToLogState();
            journal.Clear();
        }
        for (int i = 0; i < 7; i++)
        {
            index++;
            var appended = Appended([new Entry { Index = index, Term = 4, Data = ByteString.CopyFromUtf8("e" + index) }]);
            live.Replay(appended);
            journal.Add(appended);
        }

        var again = Replayed([logSnapshot!, .. journal]);

        Assert.Equal(live.FirstIndex, again.FirstIndex);
        Assert.Equal(live.LastIndex, again.LastIndex);
        Assert.Equal(live.Snapshot.Metadata.Index, again.Snapshot.Metadata.Index);
        Assert.Equal(live.RetainedEntries().Select(e => (e.Index, e.Term, e.Data.ToStringUtf8())),
            again.RetainedEntries().Select(e => (e.Index, e.Term, e.Data.ToStringUtf8())));
        Assert.All(again.RetainedEntries(), e => Assert.Equal("e" + e.Index, e.Data.ToStringUtf8()));
    }

    [Fact]
    public void A_log_state_written_before_the_log_start_fields_drops_the_entries_the_snapshot_covers()
    {
        // what the landed code wrote: entries from the compaction point, no log start
        var storage = WithEntries(100);
        storage.CreateSnapshot(90, new ConfState { Voters = { 1 } }, ByteString.CopyFromUtf8("state@90"));
        storage.Compact(70);
        var legacy = storage.ToLogState();
        legacy.LogStartIndex = 0;
        legacy.LogStartTerm = 0;

        var again = Replayed(legacy);

        Assert.Equal(91, again.FirstIndex);
        Assert.Equal(100, again.LastIndex);
        Assert.All(again.RetainedEntries(), e => Assert.Equal("e" + e.Index, e.Data.ToStringUtf8()));
        Assert.True(again.TryGetTerm(90, out long t));
        Assert.Equal(storage.Snapshot.Metadata.Term, t);
    }

    [Fact]
    public void A_log_state_with_a_gap_fails_recovery_loudly()
    {
        var state = new RaftLogState
        {
            HardState = new HardState { Term = 1, Commit = 3 },
            Snapshot = new Snapshot { Metadata = new SnapshotMetadata { Index = 2, Term = 1, ConfState = new ConfState() } },
            LogStartIndex = 1,
            LogStartTerm = 1,
            Entries = { new Entry { Index = 2, Term = 1 }, new Entry { Index = 4, Term = 1 } },
        };
        Assert.Throws<InvalidDataException>(() => Replayed(state));
        state.LogStartIndex = 3; // after the snapshot: not a compaction point
        state.Entries.Clear();
        Assert.Throws<InvalidDataException>(() => Replayed(state));
    }
}

internal static class StorageTestExtensions
{
    public static long TermOrThrow(this IRaftStorage storage, long index) =>
        storage.TryGetTerm(index, out long t) ? t : throw new InvalidOperationException($"no term at {index}");
}
