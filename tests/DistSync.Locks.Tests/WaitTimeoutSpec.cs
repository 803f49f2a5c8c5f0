namespace DistSync.Locks.Tests;

public sealed class WaitTimeoutSpec
{
    private readonly LockHarness _h = new();

    [Fact]
    public void A_wait_fails_with_timeout_in_the_expire_entry_at_its_deadline_and_not_one_millisecond_before()
    {
        var a = _h.NewSession(ttlMs: 60_000);
        var b = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", a, LockMode.Exclusive);
        var deadline = _h.NowMs + 2_000;
        var rb = _h.Queued("r", b, LockMode.Exclusive, waitMs: 2_000);
        Assert.Equal(deadline, _h.Machine.NextDeadlineMs);

        var early = _h.ExpireAt(deadline - 1);
        Assert.Empty(early.WaitOutcomes);
        Assert.Equal(new ExpiryApplied(0, 0), early.Result);
        Assert.Equal([b], _h.WaiterSessions("r"));

        var due = _h.ExpireAt(deadline);
        Assert.Equal(new ExpiryApplied(0, 1), due.Result);
        Assert.Equal(new WaitOutcome(rb, b, "r", LockMode.Exclusive, WaitOutcomeKind.TimedOut, 0), Assert.Single(due.WaitOutcomes));
        Assert.Empty(_h.Status("r").Waiters);
        Assert.Equal([a], _h.HolderSessions("r"));
    }

    [Fact]
    public void Any_entry_ends_the_waits_due_at_its_log_time_before_applying_its_command()
    {
        var a = _h.NewSession(ttlMs: 60_000);
        var b = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", a, LockMode.Exclusive);
        var rb = _h.Queued("r", b, LockMode.Exclusive, waitMs: 1_000);

        _h.NowMs += 1_000;
        _h.Release("r", a);

        // The deadline passed before the release: timed out, not granted.
        Assert.Equal(WaitOutcomeKind.TimedOut, Assert.Single(_h.Last.WaitOutcomes).Kind);
        Assert.Equal(rb, _h.Last.WaitOutcomes[0].RequestId);
        Assert.Empty(_h.Machine.List());
    }

    [Fact]
    public void A_release_before_the_deadline_grants_the_waiter_and_its_deadline_disappears()
    {
        var a = _h.NewSession(ttlMs: 60_000);
        var b = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", a, LockMode.Exclusive);
        var rb = _h.Queued("r", b, LockMode.Exclusive, waitMs: 1_000);

        _h.NowMs += 999;
        _h.Release("r", a);

        Assert.Equal(WaitOutcomeKind.Granted, _h.OutcomeOf(rb).Kind);
        Assert.Equal(_h.Machine.Sessions.NextExpiryMs, _h.Machine.NextDeadlineMs);
    }

    [Fact]
    public void A_timed_out_exclusive_waiter_at_the_head_lets_the_shared_waiters_behind_it_in()
    {
        var a = _h.NewSession(ttlMs: 60_000);
        var x = _h.NewSession(ttlMs: 60_000);
        var s = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", a, LockMode.Shared);
        var rx = _h.Queued("r", x, LockMode.Exclusive, waitMs: 1_000);
        var rs = _h.Queued("r", s, LockMode.Shared, waitMs: 10_000);

        var result = _h.ExpireAt(_h.NowMs + 1_000);

        Assert.Equal([(rx, WaitOutcomeKind.TimedOut), (rs, WaitOutcomeKind.Granted)], result.WaitOutcomes.Select(o => (o.RequestId, o.Kind)));
        Assert.Equal([a, s], _h.HolderSessions("r"));
    }

    [Fact]
    public void Waits_due_in_one_entry_end_in_deadline_order()
    {
        var a = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", a, LockMode.Exclusive);
        var late = _h.Queued("r", _h.NewSession(ttlMs: 60_000), LockMode.Exclusive, waitMs: 3_000);
        var early = _h.Queued("r", _h.NewSession(ttlMs: 60_000), LockMode.Exclusive, waitMs: 1_000);
        var middle = _h.Queued("r", _h.NewSession(ttlMs: 60_000), LockMode.Shared, waitMs: 2_000);

        var result = _h.ExpireAt(_h.NowMs + 5_000);

        Assert.Equal([early, middle, late], result.WaitOutcomes.Select(o => o.RequestId));
        Assert.All(result.WaitOutcomes, o => Assert.Equal(WaitOutcomeKind.TimedOut, o.Kind));
    }

    [Fact]
    public void Next_deadline_is_the_earliest_of_session_expiries_and_wait_deadlines_and_null_when_none()
    {
        Assert.Null(_h.Machine.NextDeadlineMs);

        var start = _h.NowMs;
        var a = _h.NewSession(ttlMs: 10_000);
        Assert.Equal(start + 10_000, _h.Machine.NextDeadlineMs);

        var b = _h.NewSession(ttlMs: 20_000);
        _h.Granted("r", b, LockMode.Exclusive);
        _h.Queued("r", a, LockMode.Exclusive, waitMs: 3_000);
        Assert.Equal(start + 3_000, _h.Machine.NextDeadlineMs);

        _h.ExpireAt(start + 3_000);
        Assert.Equal(start + 10_000, _h.Machine.NextDeadlineMs);

        _h.ExpireAt(start + 10_000);
        Assert.Equal(start + 20_000, _h.Machine.NextDeadlineMs);

        _h.ExpireAt(start + 20_000);
        Assert.Null(_h.Machine.NextDeadlineMs);
    }

    [Fact]
    public void Log_time_that_goes_back_under_a_new_leader_does_not_move_the_state_machine_clock_back()
    {
        var a = _h.NewSession(ttlMs: 60_000);
        var b = _h.NewSession(ttlMs: 60_000);
        _h.Granted("r", a, LockMode.Exclusive);
        var start = _h.NowMs;
        _h.Queued("r", b, LockMode.Exclusive, waitMs: 1_000);
        _h.ExpireAt(start + 500);

        // A lagging clock: its wait deadline counts from the state machine's clock, not the stamped time.
        var c = _h.NewSession(ttlMs: 60_000);
        _h.NowMs = start - 10_000;
        var rc = _h.Queued("r", c, LockMode.Exclusive, waitMs: 1_000);

        Assert.Equal(start + 500, _h.Machine.LastLogTimeMs);
        Assert.Equal(start + 1_500, _h.Status("r").Waiters.Single(w => w.RequestId == rc).DeadlineMs);
    }
}
