namespace DistSync.Locks.Tests;

public sealed class DeadlockDetectionSpec
{
    private readonly LockHarness _h = new();

    [Fact]
    public void A_two_party_cycle_aborts_the_younger_requester_and_grants_its_lock_to_the_older_in_the_same_entry()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("x", a, LockMode.Exclusive);
        _h.Granted("y", b, LockMode.Exclusive);
        var ay = _h.Queued("y", a, LockMode.Exclusive);

        var failed = _h.Failed("x", b, LockMode.Exclusive, waitMs: 60_000);

        Assert.Equal(LockFailureReason.Deadlock, failed.Reason);
        Assert.Equal(new WaitOutcome(ay, a, "y", LockMode.Exclusive, WaitOutcomeKind.Granted, _h.Index), Assert.Single(_h.Last.WaitOutcomes));
        Assert.Equal([a], _h.HolderSessions("x"));
        Assert.Equal([a], _h.HolderSessions("y"));
        Assert.Empty(_h.Machine.Locks.HeldBy(b));
        Assert.Equal(1, _h.Machine.DeadlocksDetected);
        Assert.Null(_h.Machine.Locks.Graph.FindCycle());
        Assert.Equal(0, _h.Machine.Locks.Graph.EdgeCount);
    }

    [Fact]
    public void When_the_waiting_transaction_is_the_younger_one_it_is_aborted_and_the_requester_is_granted_at_once()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("y", b, LockMode.Exclusive); // b appears first: older
        _h.Granted("x", a, LockMode.Exclusive);
        var ay = _h.Queued("y", a, LockMode.Exclusive);

        var granted = _h.Granted("x", b, LockMode.Exclusive, waitMs: 60_000);

        Assert.Equal(new LockGranted("x", LockMode.Exclusive, _h.Index), granted);
        Assert.Equal(new WaitOutcome(ay, a, "y", LockMode.Exclusive, WaitOutcomeKind.Deadlock, 0) { Released = ["x"] }, Assert.Single(_h.Last.WaitOutcomes));
        Assert.Equal([b], _h.HolderSessions("x"));
        Assert.Empty(_h.Status("y").Waiters);
        Assert.Equal(1, _h.Machine.DeadlocksDetected);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(17)]
    public void An_n_party_cycle_aborts_only_the_youngest_transaction_and_unblocks_its_predecessor(int parties)
    {
        var sessions = Enumerable.Range(0, parties).Select(_ => _h.NewSession()).ToArray();
        for (var i = 0; i < parties; i++)
        {
            _h.Granted($"r{i}", sessions[i], LockMode.Exclusive);
        }

        // Session i waits for resource i+1; the last one closes the ring.
        var requests = new long[parties];
        for (var i = 0; i < parties - 1; i++)
        {
            requests[i] = _h.Queued($"r{i + 1}", sessions[i], LockMode.Exclusive);
        }

        Assert.Null(_h.Machine.Locks.Graph.FindCycle());
        var last = parties - 1;
        Assert.Equal(LockFailureReason.Deadlock, _h.Failed("r0", sessions[last], LockMode.Exclusive, waitMs: 60_000).Reason);

        var outcome = Assert.Single(_h.Last.WaitOutcomes);
        Assert.Equal((requests[last - 1], WaitOutcomeKind.Granted), (outcome.RequestId, outcome.Kind));
        Assert.Equal([sessions[last - 1]], _h.HolderSessions($"r{last}"));
        for (var i = 0; i < last - 1; i++)
        {
            Assert.Equal([sessions[i]], _h.WaiterSessions($"r{i + 1}"));
        }

        Assert.Equal(1, _h.Machine.DeadlocksDetected);
        Assert.Null(_h.Machine.Locks.Graph.FindCycle());
    }

    [Fact]
    public void A_three_party_cycle_picks_the_youngest_even_when_it_is_not_the_one_closing_the_cycle()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("x", a, LockMode.Exclusive);
        _h.Granted("y", b, LockMode.Exclusive);
        _h.Granted("z", c, LockMode.Exclusive); // c is the youngest
        _h.Queued("y", a, LockMode.Exclusive);
        var cx = _h.Queued("x", c, LockMode.Exclusive);

        var bz = _h.Acquire("z", b, LockMode.Exclusive, waitMs: 60_000);

        // c's wait fails, its z goes to b, whose request is thereby granted at once.
        Assert.Equal(new LockGranted("z", LockMode.Exclusive, _h.Index), bz);
        Assert.Equal((cx, WaitOutcomeKind.Deadlock), _h.Last.WaitOutcomes.Select(o => (o.RequestId, o.Kind)).Single());
        Assert.Equal([b], _h.HolderSessions("z"));
        Assert.Equal([a], _h.WaiterSessions("y"));
    }

    [Fact]
    public void Two_shared_holders_both_upgrading_deadlock_and_the_younger_loses_its_shared_lock_so_the_older_upgrades()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        _h.Granted("r", b, LockMode.Shared);
        var up = _h.Queued("r", a, LockMode.Exclusive);

        Assert.Equal(LockFailureReason.Deadlock, _h.Failed("r", b, LockMode.Exclusive, waitMs: 60_000).Reason);

        var outcome = Assert.Single(_h.Last.WaitOutcomes);
        Assert.Equal((up, WaitOutcomeKind.Granted, _h.Index), (outcome.RequestId, outcome.Kind, outcome.FencingToken));
        Assert.Equal(new LockHolderStatus(a, _h.Index, _h.NowMs, LockMode.Exclusive, a), Assert.Single(_h.Status("r").Holders));
        Assert.Equal(1, _h.Machine.DeadlocksDetected);
    }

    [Fact]
    public void A_shared_and_exclusive_mix_across_two_resources_deadlocks()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("x", a, LockMode.Shared);
        _h.Granted("x", c, LockMode.Shared);
        _h.Granted("y", b, LockMode.Exclusive);
        var ay = _h.Queued("y", a, LockMode.Shared);

        // b waits for both shared holders of x; a waits for b.
        Assert.Equal(LockFailureReason.Deadlock, _h.Failed("x", b, LockMode.Exclusive, waitMs: 60_000).Reason);
        Assert.Equal((ay, WaitOutcomeKind.Granted), _h.Last.WaitOutcomes.Select(o => (o.RequestId, o.Kind)).Single());
        Assert.Equal([a, c], _h.HolderSessions("x"));
    }

    [Fact]
    public void Shared_waiters_do_not_wait_for_each_other_so_no_cycle_is_seen_among_them()
    {
        var w = _h.NewSession();
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("x", w, LockMode.Exclusive);
        _h.Granted("y", a, LockMode.Shared);
        _h.Granted("y", b, LockMode.Shared);
        _h.Queued("x", a, LockMode.Shared);
        _h.Queued("x", b, LockMode.Shared);

        Assert.Equal(0, _h.Machine.DeadlocksDetected);
        Assert.Equal([(a, w), (b, w)], _h.Machine.Locks.Graph.Edges());
    }

    [Fact]
    public void A_cycle_through_the_queue_order_is_detected_where_holder_edges_alone_would_miss_it()
    {
        var a = _h.NewSession();
        var c = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r1", a, LockMode.Shared);
        _h.Granted("r2", c, LockMode.Exclusive);
        var b1 = _h.Queued("r1", b, LockMode.Exclusive);  // b waits for a
        var c1 = _h.Queued("r1", c, LockMode.Shared);     // compatible with a, but behind b: c waits for b

        var a2 = _h.Acquire("r2", a, LockMode.Exclusive, waitMs: 60_000); // a waits for c: a -> c -> b -> a

        Assert.IsType<LockQueued>(a2);
        Assert.Equal(1, _h.Machine.DeadlocksDetected);
        Assert.Equal([(b1, WaitOutcomeKind.Deadlock), (c1, WaitOutcomeKind.Granted)], _h.Last.WaitOutcomes.Select(o => (o.RequestId, o.Kind)));
        Assert.Equal([a, c], _h.HolderSessions("r1"));
        Assert.Equal([(a, c)], _h.Machine.Locks.Graph.Edges());
    }

    [Fact]
    public void A_chain_without_a_cycle_is_not_a_deadlock()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("x", a, LockMode.Exclusive);
        _h.Granted("y", c, LockMode.Exclusive);
        _h.Queued("x", b, LockMode.Exclusive);
        _h.Queued("y", a, LockMode.Exclusive);

        Assert.Equal(0, _h.Machine.DeadlocksDetected);
        Assert.Equal([(a, c), (b, a)], _h.Machine.Locks.Graph.Edges());
    }

    [Fact]
    public void Transactions_are_the_graph_nodes_and_an_abort_releases_only_the_victims_own_holds()
    {
        var s1 = _h.NewSession();
        var s2 = _h.NewSession();
        _h.Granted("keep", s1, LockMode.Exclusive, txnId: "other");
        _h.Granted("x", s1, LockMode.Exclusive, txnId: "t1");
        _h.Granted("y", s2, LockMode.Exclusive, txnId: "t2");
        var t1Wait = _h.Queued("y", s1, LockMode.Exclusive, txnId: "t1");

        var t2 = _h.Acquire("x", s2, LockMode.Exclusive, waitMs: 60_000, txnId: "t2");

        Assert.Equal(LockFailureReason.Deadlock, Assert.IsType<CommandFailed>(t2).Reason);
        Assert.Equal((t1Wait, WaitOutcomeKind.Granted), _h.Last.WaitOutcomes.Select(o => (o.RequestId, o.Kind)).Single());
        Assert.Equal([s1], _h.HolderSessions("keep"));
        Assert.Null(_h.Machine.Locks.TxnFirstIndex("t2"));
        Assert.Equal("t1", _h.Status("y").Holders.Single().TxnId);
    }

    [Fact]
    public void A_transaction_shared_by_two_sessions_never_waits_for_itself_and_only_its_deadline_ends_such_a_wait()
    {
        var s1 = _h.NewSession(ttlMs: 60_000);
        var s2 = _h.NewSession(ttlMs: 60_000);
        _h.Granted("x", s1, LockMode.Exclusive, txnId: "t");
        var wait = _h.Queued("x", s2, LockMode.Exclusive, waitMs: 1_000, txnId: "t");

        Assert.Equal(0, _h.Machine.Locks.Graph.EdgeCount);
        Assert.Equal(0, _h.Machine.DeadlocksDetected);
        Assert.Equal((wait, WaitOutcomeKind.TimedOut), _h.ExpireAt(_h.NowMs + 1_000).WaitOutcomes.Select(o => (o.RequestId, o.Kind)).Single());
    }

    [Fact]
    public void A_transaction_that_released_everything_and_comes_back_is_younger_than_before()
    {
        var a = _h.NewSession();
        _h.Granted("x", a, LockMode.Exclusive);
        var born = _h.Index;
        Assert.Equal(born, _h.Machine.Locks.TxnFirstIndex(a));

        _h.Release("x", a);
        Assert.Null(_h.Machine.Locks.TxnFirstIndex(a));

        _h.Granted("x", a, LockMode.Exclusive);
        Assert.Equal(_h.Index, _h.Machine.Locks.TxnFirstIndex(a));
    }

    [Fact]
    public void Every_broken_cycle_is_counted()
    {
        for (var round = 1; round <= 3; round++)
        {
            var a = _h.NewSession();
            var b = _h.NewSession();
            _h.Granted("x", a, LockMode.Exclusive);
            _h.Granted("y", b, LockMode.Exclusive);
            _h.Queued("y", a, LockMode.Exclusive);
            _h.Failed("x", b, LockMode.Exclusive, waitMs: 60_000);
            Assert.Equal(round, _h.Machine.DeadlocksDetected);
            _h.Apply(LockCommands.DeleteSession(a));
            _h.Apply(LockCommands.DeleteSession(b));
        }

        Assert.Empty(_h.Machine.List());
    }

    [Fact]
    public void An_upgrade_that_closes_a_cycle_with_an_exclusive_waiter_across_resources_is_broken()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        _h.Granted("r", b, LockMode.Shared);
        _h.Granted("s", b, LockMode.Exclusive);
        var aOnS = _h.Queued("s", a, LockMode.Exclusive); // a waits for b

        // b's upgrade on r waits for a's shared hold: b -> a -> b.
        var bUp = _h.Acquire("r", b, LockMode.Exclusive, waitMs: 60_000);

        Assert.Equal(1, _h.Machine.DeadlocksDetected);
        Assert.Equal(LockFailureReason.Deadlock, Assert.IsType<CommandFailed>(bUp).Reason);
        Assert.Equal((aOnS, WaitOutcomeKind.Granted), _h.Last.WaitOutcomes.Select(o => (o.RequestId, o.Kind)).Single());
        Assert.Equal([a], _h.HolderSessions("r"));
    }

    [Fact]
    public void An_aborted_requester_is_told_exactly_the_resources_its_transaction_lost_sorted_and_once_each()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var b2 = _h.NewSession();
        _h.Granted("x", a, LockMode.Exclusive);
        _h.Granted("z", b, LockMode.Shared, txnId: "tb");
        _h.Granted("z", b2, LockMode.Shared, txnId: "tb"); // the same txn holds z twice, through two sessions
        _h.Granted("y", b, LockMode.Exclusive, txnId: "tb");
        _h.Granted("keep", b, LockMode.Exclusive, txnId: "other");
        _h.Queued("y", a, LockMode.Exclusive);

        var failed = _h.Failed("x", b, LockMode.Exclusive, waitMs: 60_000, txnId: "tb");

        Assert.Equal(LockFailureReason.Deadlock, failed.Reason);
        Assert.Equal(["y", "z"], failed.Released);
        Assert.Contains("\"y\", \"z\"", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(["keep"], _h.Machine.Locks.HeldBy(b));
        Assert.Empty(_h.Machine.Locks.HeldBy(b2));
    }

    [Fact]
    public void Every_wait_of_an_aborted_transaction_names_the_same_released_resources()
    {
        var old = _h.NewSession();
        var s1 = _h.NewSession();
        var s2 = _h.NewSession();
        _h.Granted("y", old, LockMode.Exclusive); // old appears first: the older transaction
        _h.Granted("x", s1, LockMode.Exclusive, txnId: "young");
        _h.Granted("w", s2, LockMode.Exclusive, txnId: "young");
        var wait1 = _h.Queued("y", s1, LockMode.Exclusive, txnId: "young");
        var wait2 = _h.Queued("y", s2, LockMode.Exclusive, txnId: "young");

        var granted = _h.Granted("x", old, LockMode.Exclusive, waitMs: 60_000);

        Assert.Equal("x", granted.Resource);
        var aborted = _h.Last.WaitOutcomes.Where(o => o.Kind == WaitOutcomeKind.Deadlock).ToList();
        Assert.Equal([wait1, wait2], aborted.Select(o => o.RequestId));
        Assert.All(aborted, o => Assert.Equal(["w", "x"], o.Released));
    }

    [Fact]
    public void A_transaction_aborted_while_holding_nothing_releases_nothing_and_grants_name_no_resources()
    {
        var a = _h.NewSession();
        var c = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r1", a, LockMode.Shared);
        _h.Granted("r2", c, LockMode.Exclusive);
        var b1 = _h.Queued("r1", b, LockMode.Exclusive); // b's txn holds nothing and is the youngest
        _h.Queued("r1", c, LockMode.Shared);

        _h.Acquire("r2", a, LockMode.Exclusive, waitMs: 60_000); // a -> c -> b -> a

        var aborted = Assert.Single(_h.Last.WaitOutcomes, o => o.Kind == WaitOutcomeKind.Deadlock);
        Assert.Equal(b1, aborted.RequestId);
        Assert.Empty(aborted.Released);
        Assert.All(_h.Last.WaitOutcomes.Where(o => o.Kind != WaitOutcomeKind.Deadlock), o => Assert.Empty(o.Released));
    }
}
