namespace DistSync.Locks.Tests;

public sealed class LockTableTransitionSpec
{
    private readonly LockHarness _h = new();

    [Theory]
    [InlineData(LockMode.Shared)]
    [InlineData(LockMode.Exclusive)]
    public void A_free_resource_is_granted_at_once_with_the_index_of_the_granting_entry_as_token(LockMode mode)
    {
        var a = _h.NewSession();

        var granted = _h.Granted("r", a, mode);

        Assert.Equal(new LockGranted("r", mode, _h.Index), granted);
        var status = _h.Status("r");
        Assert.Equal(mode, status.Mode);
        Assert.Equal(new LockHolderStatus(a, _h.Index, _h.NowMs, mode, a), Assert.Single(status.Holders));
        Assert.Empty(status.Waiters);
    }

    [Fact]
    public void Shared_requests_on_a_shared_lock_are_granted_together()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();

        var ta = _h.Granted("r", a, LockMode.Shared).FencingToken;
        var tb = _h.Granted("r", b, LockMode.Shared).FencingToken;

        Assert.True(tb > ta);
        Assert.Equal([a, b], _h.HolderSessions("r"));
        Assert.Equal("shared", _h.Status("r").ModeName);
    }

    [Theory]
    [InlineData(LockMode.Shared, LockMode.Exclusive)]
    [InlineData(LockMode.Exclusive, LockMode.Shared)]
    [InlineData(LockMode.Exclusive, LockMode.Exclusive)]
    public void A_conflicting_request_with_a_wait_is_queued_under_its_own_entry_index(LockMode held, LockMode asked)
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, held);

        var requestId = _h.Queued("r", b, asked, waitMs: 5_000);

        Assert.Equal(_h.Index, requestId);
        var waiter = Assert.Single(_h.Status("r").Waiters);
        Assert.Equal(new LockWaiterStatus(b, asked, b, requestId, _h.NowMs + 5_000), waiter);
        Assert.Equal([a], _h.HolderSessions("r"));
    }

    [Theory]
    [InlineData(LockMode.Shared, LockMode.Exclusive)]
    [InlineData(LockMode.Exclusive, LockMode.Shared)]
    [InlineData(LockMode.Exclusive, LockMode.Exclusive)]
    public void A_conflicting_try_lock_fails_with_conflict_and_changes_nothing(LockMode held, LockMode asked)
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var token = _h.Granted("r", a, held).FencingToken;

        var failed = _h.Failed("r", b, asked, waitMs: 0);

        Assert.Equal(LockFailureReason.Conflict, failed.Reason);
        Assert.Empty(_h.Status("r").Waiters);
        Assert.Equal(new LockHolderStatus(a, token, _h.NowMs, held, a), Assert.Single(_h.Status("r").Holders));
        Assert.Null(_h.Machine.Locks.TxnFirstIndex(b));
    }

    [Fact]
    public void Releasing_an_exclusive_lock_grants_the_next_exclusive_waiter_in_the_same_entry_with_that_entry_as_token()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("r", a, LockMode.Exclusive);
        var rb = _h.Queued("r", b, LockMode.Exclusive);
        var rc = _h.Queued("r", c, LockMode.Exclusive);

        Assert.Equal(new LockReleased("r"), _h.Release("r", a));

        var outcome = _h.OutcomeOf(rb);
        Assert.Equal(new WaitOutcome(rb, b, "r", LockMode.Exclusive, WaitOutcomeKind.Granted, _h.Index), outcome);
        Assert.Equal([b], _h.HolderSessions("r"));
        Assert.Equal([c], _h.WaiterSessions("r"));
        Assert.DoesNotContain(_h.Last.WaitOutcomes, o => o.RequestId == rc);
    }

    [Fact]
    public void Releasing_an_exclusive_lock_grants_all_consecutive_shared_waiters_at_the_head_at_once()
    {
        var w = _h.NewSession();
        var s1 = _h.NewSession();
        var s2 = _h.NewSession();
        var s3 = _h.NewSession();
        var x = _h.NewSession();
        var s4 = _h.NewSession();
        _h.Granted("r", w, LockMode.Exclusive);
        var r1 = _h.Queued("r", s1, LockMode.Shared);
        var r2 = _h.Queued("r", s2, LockMode.Shared);
        var r3 = _h.Queued("r", s3, LockMode.Shared);
        _h.Queued("r", x, LockMode.Exclusive);
        _h.Queued("r", s4, LockMode.Shared);

        _h.Release("r", w);

        Assert.Equal([r1, r2, r3], _h.Last.WaitOutcomes.Select(o => o.RequestId));
        Assert.All(_h.Last.WaitOutcomes, o => Assert.Equal(WaitOutcomeKind.Granted, o.Kind));
        Assert.Equal([s1, s2, s3], _h.HolderSessions("r"));
        Assert.Equal([x, s4], _h.WaiterSessions("r"));
    }

    [Fact]
    public void Tokens_of_one_batch_are_distinct_and_strictly_increasing_from_the_granting_index()
    {
        var w = _h.NewSession();
        var s1 = _h.NewSession();
        var s2 = _h.NewSession();
        _h.Granted("r", w, LockMode.Exclusive);
        _h.Queued("r", s1, LockMode.Shared);
        _h.Queued("r", s2, LockMode.Shared);

        _h.Release("r", w);
        var releaseIndex = _h.Index;

        Assert.Equal([releaseIndex, releaseIndex + 1], _h.Last.WaitOutcomes.Select(o => o.FencingToken));

        // The next entry's index equals the batch's last token: it must still go above it.
        var s3 = _h.NewSession();
        Assert.Equal(releaseIndex + 1, _h.Index);
        Assert.Equal(releaseIndex + 2, _h.Granted("r", s3, LockMode.Shared).FencingToken);
    }

    [Fact]
    public void An_exclusive_waiter_blocks_later_shared_requests_so_writers_do_not_starve()
    {
        var a = _h.NewSession();
        var writer = _h.NewSession();
        var reader = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        var rw = _h.Queued("r", writer, LockMode.Exclusive);

        // Compatible with the shared holder, yet behind the writer.
        var rr = _h.Queued("r", reader, LockMode.Shared);
        Assert.Equal(LockFailureReason.Conflict, _h.Failed("r", _h.NewSession(), LockMode.Shared).Reason);

        _h.Release("r", a);
        Assert.Equal(WaitOutcomeKind.Granted, _h.OutcomeOf(rw).Kind);
        Assert.Equal([writer], _h.HolderSessions("r"));

        _h.Release("r", writer);
        Assert.Equal(WaitOutcomeKind.Granted, _h.OutcomeOf(rr).Kind);
        Assert.Equal([reader], _h.HolderSessions("r"));
    }

    [Theory]
    [InlineData(LockMode.Shared)]
    [InlineData(LockMode.Exclusive)]
    public void Re_acquiring_in_the_held_mode_is_idempotent_and_returns_the_same_token(LockMode mode)
    {
        var a = _h.NewSession();
        var first = _h.Granted("r", a, mode);
        var snapshot = _h.Machine.Snapshot();

        var again = _h.Granted("r", a, mode, waitMs: 1_000);

        Assert.Equal(first, again);
        Assert.Equal([a], _h.HolderSessions("r"));
        Assert.Equal(first.FencingToken, Assert.Single(_h.Status("r").Holders).FencingToken);
        Assert.NotEqual(snapshot, _h.Machine.Snapshot()); // only the applied index moved
    }

    [Fact]
    public void Asking_shared_while_holding_exclusive_returns_the_exclusive_grant_unchanged()
    {
        var a = _h.NewSession();
        var first = _h.Granted("r", a, LockMode.Exclusive);

        var shared = _h.Granted("r", a, LockMode.Shared);

        Assert.Equal(new LockGranted("r", LockMode.Exclusive, first.FencingToken), shared);
        Assert.Equal(LockMode.Exclusive, _h.Status("r").Mode);
    }

    [Fact]
    public void The_sole_shared_holder_upgrades_to_exclusive_at_once_with_a_new_token()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var shared = _h.Granted("r", a, LockMode.Shared);
        var rb = _h.Queued("r", b, LockMode.Exclusive);

        var upgraded = _h.Granted("r", a, LockMode.Exclusive, waitMs: 0);

        Assert.Equal(LockMode.Exclusive, upgraded.Mode);
        Assert.True(upgraded.FencingToken > shared.FencingToken);
        Assert.Equal(LockMode.Exclusive, _h.Status("r").Mode);
        Assert.Equal([b], _h.WaiterSessions("r"));

        _h.Release("r", a);
        Assert.Equal(WaitOutcomeKind.Granted, _h.OutcomeOf(rb).Kind);
    }

    [Fact]
    public void An_upgrade_among_several_shared_holders_waits_at_the_front_of_the_queue()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var w = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        _h.Granted("r", b, LockMode.Shared);
        _h.Queued("r", w, LockMode.Exclusive);

        var upgrade = _h.Queued("r", a, LockMode.Exclusive);

        Assert.Equal([a, w], _h.WaiterSessions("r"));
        Assert.Equal(LockFailureReason.Conflict, _h.Failed("r", b, LockMode.Exclusive, waitMs: 0).Reason);

        _h.Release("r", b);
        var outcome = _h.OutcomeOf(upgrade);
        Assert.Equal(WaitOutcomeKind.Granted, outcome.Kind);
        Assert.Equal(new LockHolderStatus(a, outcome.FencingToken, _h.NowMs, LockMode.Exclusive, a), Assert.Single(_h.Status("r").Holders));
        Assert.Equal([w], _h.WaiterSessions("r"));
    }

    [Fact]
    public void Releasing_while_an_upgrade_waits_leaves_it_queued_as_a_plain_exclusive_request()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        _h.Granted("r", b, LockMode.Shared);
        var upgrade = _h.Queued("r", a, LockMode.Exclusive);

        _h.Release("r", a);
        Assert.Equal([b], _h.HolderSessions("r"));
        Assert.Equal([a], _h.WaiterSessions("r"));

        _h.Release("r", b);
        Assert.Equal(WaitOutcomeKind.Granted, _h.OutcomeOf(upgrade).Kind);
        Assert.Equal([a], _h.HolderSessions("r"));
    }

    [Fact]
    public void A_release_by_a_session_that_does_not_hold_the_lock_fails_with_not_held()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Exclusive);
        var rb = _h.Queued("r", b, LockMode.Exclusive);

        Assert.Equal(LockFailureReason.NotHeld, Assert.IsType<CommandFailed>(_h.Release("r", b)).Reason);
        Assert.Equal(LockFailureReason.NotHeld, Assert.IsType<CommandFailed>(_h.Release("other", a)).Reason);

        Assert.Equal([a], _h.HolderSessions("r"));
        Assert.Equal(rb, Assert.Single(_h.Status("r").Waiters).RequestId);
    }

    [Fact]
    public void Releasing_twice_fails_the_second_time()
    {
        var a = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);

        Assert.IsType<LockReleased>(_h.Release("r", a));
        Assert.Equal(LockFailureReason.NotHeld, Assert.IsType<CommandFailed>(_h.Release("r", a)).Reason);
        Assert.Null(_h.Status("r").Mode);
        Assert.Empty(_h.Machine.List());
    }

    [Fact]
    public void A_new_request_does_not_barge_past_waiters_even_when_compatible_with_the_holders()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        _h.Queued("r", b, LockMode.Exclusive);

        Assert.IsType<LockQueued>(_h.Acquire("r", c, LockMode.Shared, waitMs: 1_000));
        Assert.Equal([b, c], _h.WaiterSessions("r"));
    }

    [Fact]
    public void Fencing_tokens_strictly_increase_across_every_grant_of_a_resource()
    {
        var sessions = Enumerable.Range(0, 4).Select(_ => _h.NewSession()).ToArray();
        var tokens = new List<long>();
        for (var round = 0; round < 5; round++)
        {
            foreach (var s in sessions)
            {
                tokens.Add(_h.Granted("r", s, LockMode.Exclusive).FencingToken);
                _h.Release("r", s);
            }

            foreach (var s in sessions)
            {
                tokens.Add(_h.Granted("r", s, LockMode.Shared).FencingToken);
            }

            foreach (var s in sessions)
            {
                _h.Release("r", s);
            }
        }

        for (var i = 1; i < tokens.Count; i++)
        {
            Assert.True(tokens[i] > tokens[i - 1], $"token {i} ({tokens[i]}) is not above token {i - 1} ({tokens[i - 1]})");
        }
    }

    [Fact]
    public void A_lock_granted_and_freed_within_one_entry_still_gives_the_next_grant_of_that_entry_a_larger_token()
    {
        // Both sessions expire in one entry: the holder's expiry grants the waiter, whose own expiry frees it again.
        var holder = _h.NewSession(ttlMs: 5_000);
        var waiter = _h.NewSession(ttlMs: 5_000);
        var late = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", holder, LockMode.Exclusive);
        var rw = _h.Queued("r", waiter, LockMode.Exclusive, waitMs: 30_000);

        _h.NowMs += 5_000;
        var granted = _h.Granted("r", late, LockMode.Exclusive);

        Assert.Equal(2, _h.Last.SessionsEnded.Count);
        var outcome = _h.OutcomeOf(rw);
        Assert.Equal((WaitOutcomeKind.Granted, _h.Index), (outcome.Kind, outcome.FencingToken));
        Assert.Equal(_h.Index + 1, granted.FencingToken);
    }

    [Fact]
    public void Tokens_are_per_resource_and_each_is_the_granting_index()
    {
        var a = _h.NewSession();
        var ta = _h.Granted("a", a, LockMode.Exclusive).FencingToken;
        var aIndex = _h.Index;
        var tb = _h.Granted("b", a, LockMode.Exclusive).FencingToken;

        Assert.Equal(aIndex, ta);
        Assert.Equal(_h.Index, tb);
    }

    [Fact]
    public void A_second_acquire_while_waiting_in_the_same_mode_joins_the_wait_and_keeps_the_later_deadline()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Exclusive);
        var first = _h.Queued("r", b, LockMode.Exclusive, waitMs: 1_000);

        _h.NowMs += 500;
        var joined = _h.Queued("r", b, LockMode.Exclusive, waitMs: 5_000);

        Assert.Equal(first, joined);
        var waiter = Assert.Single(_h.Status("r").Waiters);
        Assert.Equal(_h.NowMs + 5_000, waiter.DeadlineMs);
    }

    [Fact]
    public void A_second_acquire_while_waiting_in_another_mode_is_invalid()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Exclusive);
        _h.Queued("r", b, LockMode.Exclusive);

        Assert.Equal(LockFailureReason.Invalid, _h.Failed("r", b, LockMode.Shared, waitMs: 1_000).Reason);
        Assert.Equal(LockFailureReason.Conflict, _h.Failed("r", b, LockMode.Exclusive, waitMs: 0).Reason);
        Assert.Single(_h.Status("r").Waiters);
    }

    [Fact]
    public void Status_lists_holders_by_session_and_waiters_in_queue_order_and_list_shows_only_used_resources()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("z", b, LockMode.Shared);
        _h.Granted("z", a, LockMode.Shared);
        _h.Queued("z", c, LockMode.Exclusive, txnId: "t-c");
        _h.Granted("m", c, LockMode.Exclusive);
        _h.Granted("gone", c, LockMode.Exclusive);
        _h.Release("gone", c);

        var list = _h.Machine.List();

        Assert.Equal(["m", "z"], list.Select(s => s.Resource));
        Assert.Equal([a, b], list[1].Holders.Select(x => x.SessionId));
        var waiter = Assert.Single(list[1].Waiters);
        Assert.Equal((c, LockMode.Exclusive, "t-c"), (waiter.SessionId, waiter.Mode, waiter.TxnId));
        Assert.Equal(new LockStatus("nothing", null, [], []).ModeName, _h.Status("nothing").ModeName);
    }

    [Theory]
    [InlineData("", LockFailureReason.Invalid)]
    [InlineData("bad\nname", LockFailureReason.Invalid)]
    public void An_invalid_resource_name_is_refused_naming_the_field(string resource, LockFailureReason reason)
    {
        var a = _h.NewSession();

        var failed = _h.Failed(resource, a, LockMode.Exclusive);

        Assert.Equal(reason, failed.Reason);
        Assert.StartsWith("resource:", failed.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(3_600_001)]
    public void A_wait_out_of_bounds_is_invalid(long waitMs)
    {
        var a = _h.NewSession();

        var failed = _h.Failed("r", a, LockMode.Exclusive, waitMs);

        Assert.Equal(LockFailureReason.Invalid, failed.Reason);
        Assert.StartsWith("waitMs:", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_too_long_resource_name_and_an_unspecified_mode_are_invalid()
    {
        var a = _h.NewSession();
        Assert.Equal(LockFailureReason.Invalid, _h.Failed(new string('x', 513), a, LockMode.Shared).Reason);

        var command = LockCommands.Acquire("r", a, LockMode.Shared);
        command.Acquire.Mode = Wire.AcquireMode.Unspecified;
        var failed = Assert.IsType<CommandFailed>(_h.Apply(command).Result);
        Assert.StartsWith("mode:", failed.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_and_release_by_an_unknown_session_fail_with_unknown_session()
    {
        Assert.Equal(LockFailureReason.UnknownSession, _h.Failed("r", "s-404", LockMode.Exclusive).Reason);
        Assert.Equal(LockFailureReason.UnknownSession, Assert.IsType<CommandFailed>(_h.Release("r", "s-404")).Reason);
        Assert.Empty(_h.Machine.List());
    }

    [Fact]
    public void An_entry_without_a_command_is_invalid_and_an_index_applied_twice_is_rejected()
    {
        var failed = Assert.IsType<CommandFailed>(_h.Apply(new Wire.LockCommand()).Result);
        Assert.Equal(LockFailureReason.Invalid, failed.Reason);

        Assert.Throws<ArgumentOutOfRangeException>(() => _h.Machine.Apply(_h.Index, _h.Term, _h.NowMs, LockCommands.Expire()));
    }
}
