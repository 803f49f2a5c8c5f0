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
    public void A_lost_chunk_is_resent_once_after_the_retransmit_timeout_not_on_heartbeat_answers()
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
        long sent = c[1].SnapshotChunksSent;

        // heartbeats and their answers flow for almost an election timeout (10 ticks): nothing is resent meanwhile
        c.TickAll(8);
        Assert.Equal(sent, c[1].SnapshotChunksSent);
        Assert.Equal(0, c[1].SnapshotChunksResent);

        // the timeout passes: the missing chunk goes once more, and the rest follows it one by one
        c.TickAll(3);
        Assert.Equal(1, c[1].SnapshotChunksResent);
        Assert.Equal(state, c.Storage(3).Snapshot.Data);
        Assert.Equal(new[] { "after-snapshot" }, c.AppliedData(3));
        // 10 chunks of at most 10 bytes: offsets 0-20, 30 lost, 30 resent, 40-90 = 11 messages
        Assert.Equal(11, c.Sent.Count(m => m.Type == MessageType.Snapshot && m.To == 3));
    }

    [Fact]
    public void Heartbeats_during_a_transfer_do_not_start_more_chunk_loops()
    {
        // every network hop coincides with a leader tick (heartbeat every tick): answers and acks interleave
        var c = LaggingFollowerBehindACompactedLog(out var state);
        c.Heal();
        for (int hop = 0; hop < 200 && !state.Equals(c.Storage(3).Snapshot.Data); hop++)
        {
            c.Tick(1);
            c.DeliverOneHop();
        }
        Assert.Equal(state, c.Storage(3).Snapshot.Data);
        var chunks = c.Sent.Where(m => m.Type == MessageType.Snapshot && m.To == 3).ToList();
        // one chunk outstanding at a time: each offset is sent exactly once (nothing was lost, nothing timed out)
        Assert.Equal(0, c[1].SnapshotChunksResent);
        Assert.Equal(10, chunks.Count);
        Assert.Equal(chunks.Select(m => m.SnapshotOffset).Distinct().Count(), chunks.Count);
    }

    [Fact]
    public void A_follower_stores_each_chunk_before_acknowledging_it_and_resumes_after_a_restart()
    {
        var c = LaggingFollowerBehindACompactedLog(out var state);
        c.Heal();
        // deliver until the follower has stored four chunks, then crash it
        for (int hop = 0; hop < 200 && (c.Storage(3).IncomingSnapshot?.Received ?? 0) < 40; hop++)
        {
            c.Tick(1);
            c.DeliverOneHop();
        }
        var partial = c.Storage(3).IncomingSnapshot;
        Assert.NotNull(partial);
        Assert.Equal(40, partial.Received);
        Assert.True(c.Sent.Where(m => m.Type == MessageType.SnapshotResponse && m.From == 3).All(m => m.SnapshotOffset <= 40));
        c.Crash(3);
        c.Restart(3);

        // the restarted follower asks for what follows its stored chunks; the transfer completes from there
        c.TickAll(15);
        Assert.Equal(state, c.Storage(3).Snapshot.Data);
        Assert.Null(c.Storage(3).IncomingSnapshot);
        Assert.Equal(new[] { "after-snapshot" }, c.AppliedData(3));
        Assert.DoesNotContain(c.Sent.Where(m => m.Type == MessageType.Snapshot && m.To == 3).SkipWhile(m => m.SnapshotOffset != 40).Skip(1), m => m.SnapshotOffset < 40 && m.SnapshotOffset > 0);
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
