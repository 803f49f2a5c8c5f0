using DistSync.Locks.Wire;
using Google.Protobuf;

namespace DistSync.Locks.Tests;

public sealed class LockSnapshotSpec
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Two_replicas_applying_the_same_log_hold_byte_identical_snapshots_after_every_entry(int seed)
    {
        var workload = new RandomLockWorkload(seed);
        var a = new LockHarness();
        var b = new LockServiceStateMachine();
        for (var i = 0; i < 600; i++)
        {
            var (advance, command) = workload.Next(a.Machine);
            a.NowMs += advance;
            a.Term += i % 97 == 96 ? 1 : 0; // leader changes: the session grace must be the same on both
            var resultA = a.Apply(command);
            var resultB = b.Apply(a.Index, a.Term, a.NowMs, command);
            workload.Observe(a.Index, command, resultA);

            AssertSameResult(resultA, resultB);
            Assert.Equal(a.Machine.Snapshot(), b.Snapshot());
        }
    }

    [Theory]
    [InlineData(11, 50)]
    [InlineData(12, 250)]
    [InlineData(13, 499)]
    public void A_replica_restored_mid_scenario_continues_exactly_like_the_uninterrupted_one(int seed, int restoreAfter)
    {
        var workload = new RandomLockWorkload(seed);
        var original = new LockHarness();
        LockServiceStateMachine? restored = null;
        for (var i = 0; i < 800; i++)
        {
            if (i == restoreAfter)
            {
                restored = new LockServiceStateMachine();
                restored.Restore(original.Machine.Snapshot());
                Assert.Equal(original.Machine.Snapshot(), restored.Snapshot());
                Assert.Equal(original.Machine.NextDeadlineMs, restored.NextDeadlineMs);
                Assert.Equal(original.Machine.Locks.Graph.Edges(), restored.Locks.Graph.Edges());
            }

            var (advance, command) = workload.Next(original.Machine);
            original.NowMs += advance;
            original.Term += i % 97 == 96 ? 1 : 0;
            var expected = original.Apply(command);
            workload.Observe(original.Index, command, expected);
            if (restored is not null)
            {
                AssertSameResult(expected, restored.Apply(original.Index, original.Term, original.NowMs, command));
            }
        }

        Assert.Equal(original.Machine.Snapshot(), restored!.Snapshot());
    }

    [Fact]
    public void A_snapshot_round_trips_every_field_of_a_busy_state()
    {
        var h = new LockHarness();
        var a = h.NewSession(ttlMs: 5_000, clientId: "client-a");
        var b = h.NewSession(ttlMs: 7_000);
        var c = h.NewSession();
        h.Granted("x", a, LockMode.Shared, txnId: "tx");
        h.Granted("x", b, LockMode.Shared);
        h.Queued("x", a, LockMode.Exclusive, waitMs: 2_000, txnId: "tx");
        h.Queued("x", c, LockMode.Shared, waitMs: 9_000);
        h.Granted("y", c, LockMode.Exclusive);
        h.Granted("y2", c, LockMode.Exclusive);
        h.Queued("y2", a, LockMode.Exclusive);

        // b -> c (y) -> tx (queue of x) -> b (shared hold of x): c is the youngest and is aborted.
        h.Granted("y", b, LockMode.Exclusive, waitMs: 50);
        Assert.Equal(1, h.Machine.DeadlocksDetected);
        h.Queued("y", a, LockMode.Shared, waitMs: 4_000);
        var bytes = h.Machine.Snapshot();

        var copy = new LockServiceStateMachine();
        copy.Restore(bytes);

        Assert.Equal(bytes, copy.Snapshot());
        Assert.Equal(h.Machine.LastAppliedIndex, copy.LastAppliedIndex);
        Assert.Equal(h.Machine.LastLogTimeMs, copy.LastLogTimeMs);
        Assert.Equal(h.Machine.DeadlocksDetected, copy.DeadlocksDetected);
        Assert.Equal(h.Machine.Sessions.All(), copy.Sessions.All());
        Assert.Equal(h.Machine.List().Count, copy.List().Count);
        foreach (var status in h.Machine.List())
        {
            var other = copy.Status(status.Resource);
            Assert.Equal(status.Mode, other.Mode);
            Assert.Equal(status.Holders, other.Holders);
            Assert.Equal(status.Waiters, other.Waiters);
        }

        Assert.Equal(h.Machine.Locks.TxnFirstIndex("tx"), copy.Locks.TxnFirstIndex("tx"));
    }

    [Fact]
    public void A_restored_replica_keeps_granting_tokens_above_the_last_one_even_after_a_batch()
    {
        var h = new LockHarness();
        var w = h.NewSession();
        var s1 = h.NewSession();
        var s2 = h.NewSession();
        h.Granted("r", w, LockMode.Exclusive);
        h.Queued("r", s1, LockMode.Shared);
        h.Queued("r", s2, LockMode.Shared);
        h.Release("r", w);
        var lastToken = h.Last.WaitOutcomes.Max(o => o.FencingToken);
        h.Release("r", s1);
        h.Release("r", s2);

        var copy = new LockServiceStateMachine();
        copy.Restore(h.Machine.Snapshot());
        var next = copy.Apply(h.Index + 1, h.Term, h.NowMs, LockCommands.Acquire("r", w, LockMode.Exclusive));

        Assert.True(Assert.IsType<LockGranted>(next.Result).FencingToken > lastToken);
    }

    [Fact]
    public void Restoring_bytes_that_are_not_a_snapshot_fails_clearly_and_leaves_an_empty_state()
    {
        var h = new LockHarness();
        h.Granted("r", h.NewSession(), LockMode.Exclusive);

        var error = Assert.Throws<InvalidDataException>(() => h.Machine.Restore(new byte[] { 0xFF, 0xFF, 0xFF, 0x01, 0x02 }));

        Assert.Contains("snapshot", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Restoring_an_inconsistent_snapshot_fails_clearly_and_leaves_an_empty_state()
    {
        var snapshot = new LockSnapshot { LastAppliedIndex = 9, LastLogTimeMs = 100 };
        var resource = new ResourceRecord { Resource = "r", LastToken = 3 };
        resource.Holders.Add(new HoldRecord { SessionId = "s-1", Mode = AcquireMode.Exclusive, FencingToken = 3, TxnId = "missing" });
        snapshot.Resources.Add(resource);
        var machine = new LockServiceStateMachine();

        var error = Assert.Throws<InvalidDataException>(() => machine.Restore(snapshot.ToByteArray()));

        Assert.Contains("missing", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.LastAppliedIndex);
        Assert.Empty(machine.List());
    }

    [Fact]
    public void Restoring_a_snapshot_whose_lock_belongs_to_an_unlisted_session_fails_clearly()
    {
        var snapshot = new LockSnapshot { LastAppliedIndex = 9 };
        var resource = new ResourceRecord { Resource = "r", LastToken = 3 };
        resource.Holders.Add(new HoldRecord { SessionId = "s-1", Mode = AcquireMode.Exclusive, FencingToken = 3, TxnId = "s-1" });
        snapshot.Resources.Add(resource);
        snapshot.Txns.Add(new TxnRecord { TxnId = "s-1", FirstIndex = 3 });
        var machine = new LockServiceStateMachine();

        var error = Assert.Throws<InvalidDataException>(() => machine.Restore(snapshot.ToByteArray()));

        Assert.Contains("s-1", error.Message, StringComparison.Ordinal);
        Assert.Empty(machine.List());
    }

    [Fact]
    public void An_empty_machine_snapshots_and_restores_to_an_empty_machine()
    {
        var machine = new LockServiceStateMachine();
        var copy = new LockServiceStateMachine();

        copy.Restore(machine.Snapshot());

        Assert.Equal(machine.Snapshot(), copy.Snapshot());
        Assert.Null(copy.NextDeadlineMs);
    }

    internal static void AssertSameResult(LockApplyResult expected, LockApplyResult actual)
    {
        Assert.Equal(expected.Result, actual.Result);
        Assert.Equal(expected.WaitOutcomes, actual.WaitOutcomes);
        Assert.Equal(expected.SessionsEnded, actual.SessionsEnded);
    }
}
