using DistSync.Queues.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.Queues.Tests;

public sealed class SnapshotSpec
{
    private static readonly QueueOptions Options = new() { MaxDeliveries = 2, DedupeWindowMs = 10_000 };

    /// <summary>A partition with something in every state: ready, delayed, in flight with and without a session, dead letters, dedupe ids, fences.</summary>
    private static QueueHarness Busy()
    {
        var h = new QueueHarness(Options);
        for (var i = 0; i < 8; i++)
        {
            h.Produce("m" + i, "payload " + i, priority: i % 3 * 4, key: "k" + (i % 2), fenceResource: i % 4 == 0 ? "lock" : null, fenceToken: i + 1);
        }

        h.Nack(0, h.ConsumeOne());
        h.Nack(0, h.ConsumeOne()); // the 2nd delivery of the first message: dead-lettered
        h.Nack(5_000, h.ConsumeOne());
        h.Consume(max: 2, visibilityMs: 3_000, sessionId: 4);
        h.Consume(max: 1, visibilityMs: 2_000);
        h.ConsumeOne(visibilityMs: 1_000, deadLetter: true);
        h.NowMs += 100;
        return h;
    }

    [Fact]
    public void A_restored_partition_behaves_exactly_like_the_original_from_then_on()
    {
        var original = Busy();
        var stats = original.Stats();
        Assert.True(stats is { Ready: > 0, Delayed: > 0, InFlight: > 0, DeadLettered: > 0 }, stats.ToString());

        var restored = new QueuePartitionStateMachine(Options);
        restored.Restore(original.Machine.Snapshot());
        Assert.Equal(stats, restored.Stats());
        Assert.Equal(original.Machine.NextDeadlineMs, restored.NextDeadlineMs);

        var index = original.Index;
        var time = original.NowMs;
        var commands = new[]
        {
            QueueCommands.Produce("m1", "x"u8), // a duplicate inside the window
            QueueCommands.Produce("n", "x"u8, fenceResource: "lock", fenceToken: 2), // stale
            QueueCommands.Consume(10, 1_000),
            QueueCommands.ReleaseSession(4),
            QueueCommands.Consume(10, 1_000, deadLetter: true),
            QueueCommands.Expire(),
            QueueCommands.Consume(10, 1_000),
        };
        foreach (var command in commands)
        {
            index++;
            time += 1_500;
            var data = QueueCommands.Encode(command);
            var a = original.Machine.Apply(new AppliedEntry(index, 1, time, 0, 0, data));
            var b = restored.Apply(new AppliedEntry(index, 1, time, 0, 0, data));
            Assert.Equal(QueueResults.Decode(a.Span), QueueResults.Decode(b.Span));
        }

        Assert.Equal(original.Machine.Snapshot(), restored.Snapshot());
    }

    [Fact]
    public void Replicas_that_applied_the_same_log_take_byte_identical_snapshots_and_a_round_trip_changes_no_byte()
    {
        var h = Busy();
        var snapshot = h.Machine.Snapshot();
        Assert.Equal(snapshot, h.Replay().Snapshot());
        h.RestoreFromSnapshot(); // asserts Restore(Snapshot()).Snapshot() is the same bytes
        Assert.Equal(snapshot, h.Machine.Snapshot());
    }

    [Fact]
    public void The_snapshot_keeps_dedupe_ids_with_their_time_so_the_window_ends_where_it_would_have()
    {
        var h = new QueueHarness(Options);
        var first = h.Produce("m");
        h.NowMs += 9_000;
        h.RestoreFromSnapshot();
        Assert.Equal(first.Seq, h.Produce("m").Seq);
        h.NowMs += 1_000;
        Assert.False(h.Produce("m").Duplicate);
    }

    [Fact]
    public void An_unreadable_or_inconsistent_snapshot_is_refused_and_the_state_is_left_unchanged()
    {
        var h = Busy();
        var before = h.Machine.Snapshot();

        Assert.Throws<InvalidDataException>(() => h.Machine.Restore([0xFF, 0xFF, 0xFF]));

        var twice = QueueSnapshot.Parser.ParseFrom(before);
        twice.Messages.Add(twice.Messages[0].Clone());
        twice.ProducedTotal++;
        Assert.Throws<InvalidDataException>(() => h.Machine.Restore(twice.ToByteArray()));

        var miscounted = QueueSnapshot.Parser.ParseFrom(before);
        miscounted.AckedTotal += 1;
        Assert.Throws<InvalidDataException>(() => h.Machine.Restore(miscounted.ToByteArray()));

        var pastLease = QueueSnapshot.Parser.ParseFrom(before);
        var leased = pastLease.Messages.First(m => m.LeaseId != 0);
        leased.LeaseDeadlineMs = pastLease.LogTimeMs;
        Assert.Throws<InvalidDataException>(() => h.Machine.Restore(pastLease.ToByteArray()));

        Assert.Equal(before, h.Machine.Snapshot());
    }

    [Fact]
    public void An_empty_partition_round_trips()
    {
        var machine = new QueuePartitionStateMachine();
        var restored = new QueuePartitionStateMachine();
        restored.Restore(machine.Snapshot());
        Assert.Equal(machine.Stats(), restored.Stats());
    }
}
