using DistSync.Raft.Tests.Support;
using Google.Protobuf;

namespace DistSync.Raft.Tests.Scenarios;

public class SnapshotSpec
{
    private static RaftTestCluster LaggingFollowerBehindACompactedLog(out ByteString state)
    {
        var c = new RaftTestCluster(3, cfg => cfg with { SnapshotChunkSize = 10 });
        c.Elect(1);
        c.Isolate(3);
        for (int i = 0; i < 30; i++) c.Propose(1, $"e{i}");
        c.Stabilize();
        state = ByteString.CopyFromUtf8(new string('s', 95));
        foreach (ulong id in new ulong[] { 1, 2 })
        {
            long applied = c[id].AppliedIndex;
            c.Storage(id).CreateSnapshot(applied, c[id].ConfState, state);
            c.Storage(id).Compact(applied);
        }
        c.Propose(1, "after-snapshot");
        c.Stabilize();
        return c;
    }

    [Fact]
    public void A_lagging_follower_receives_the_snapshot_in_chunks_then_the_entries_after_it()
    {
        var c = LaggingFollowerBehindACompactedLog(out var state);
        long snapIndex = c.Storage(1).Snapshot.Metadata.Index;
        c.Heal();
        c.TickAll(3);
        var chunks = c.Sent.Where(m => m.Type == MessageType.Snapshot && m.To == 3).ToList();
        Assert.True(chunks.Select(m => m.SnapshotOffset).Distinct().Count() >= 10, $"{chunks.Count} chunks");
        Assert.All(chunks, m => Assert.True(m.SnapshotChunk.Length <= 10));
        Assert.Equal(snapIndex, c.Storage(3).Snapshot.Metadata.Index);
        Assert.Equal(state, c.Storage(3).Snapshot.Data);
        Assert.Equal(new[] { "after-snapshot" }, c.AppliedData(3));
        Assert.Equal(c[1].LastIndex, c[3].LastIndex);
        Assert.Equal(ProgressState.Replicate, c[1].GetProgress(3)!.State);
    }

    [Fact]
    public void A_lost_chunk_is_sent_again_and_the_transfer_completes()
    {
        var c = LaggingFollowerBehindACompactedLog(out var state);
        c.Heal();
        bool dropped = false;
        c.Tick(1);
        c.Stabilize(m =>
        {
            if (!dropped && m.Type == MessageType.Snapshot && m.SnapshotOffset == 30)
            {
                dropped = true;
                return false;
            }
            return true;
        });
        Assert.True(dropped);
        Assert.NotEqual(state, c.Storage(3).Snapshot.Data); // stalled at the missing chunk
        c.TickAll(3); // heartbeat answers make the leader resend from the follower's offset
        Assert.Equal(state, c.Storage(3).Snapshot.Data);
        Assert.Equal(new[] { "after-snapshot" }, c.AppliedData(3));
    }

    [Fact]
    public void Storage_compaction_keeps_the_term_of_the_last_compacted_entry()
    {
        var s = new MemoryRaftStorage(1);
        s.Append(new[] { new Entry { Index = 2, Term = 2 }, new Entry { Index = 3, Term = 2 }, new Entry { Index = 4, Term = 3 } });
        s.CreateSnapshot(3, new ConfState { Voters = { 1 } }, ByteString.Empty);
        s.Compact(3);
        Assert.Equal(4, s.FirstIndex);
        Assert.True(s.TryGetTerm(3, out long t) && t == 2);
        Assert.False(s.TryGetTerm(2, out _));
        Assert.False(s.TryGetEntries(3, 5, long.MaxValue, 10, new List<Entry>()));
        Assert.Throws<ArgumentOutOfRangeException>(() => s.Compact(4)); // beyond the snapshot
        // appending at an existing index replaces the suffix
        s.Append(new[] { new Entry { Index = 4, Term = 4 } });
        Assert.True(s.TryGetTerm(4, out long t4) && t4 == 4);
        Assert.Throws<InvalidOperationException>(() => s.Append(new[] { new Entry { Index = 9, Term = 4 } }));
    }
}
