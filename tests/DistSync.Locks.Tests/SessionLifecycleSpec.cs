namespace DistSync.Locks.Tests;

public sealed class SessionLifecycleSpec
{
    private readonly LockHarness _h = new();

    [Fact]
    public void A_session_id_comes_from_the_creating_entry_index_and_it_expires_ttl_after_that_entry()
    {
        var result = Assert.IsType<SessionCreated>(_h.Apply(LockCommands.CreateSession(5_000, "client-1")).Result);

        Assert.Equal(new SessionCreated("s-" + _h.Index, 5_000, _h.NowMs + 5_000), result);
        Assert.Equal(new SessionInfo(result.SessionId, "client-1", 5_000, _h.NowMs + 5_000, _h.Index), _h.Machine.Sessions.Find(result.SessionId));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(999)]
    [InlineData(3_600_001)]
    [InlineData(-5)]
    public void A_ttl_out_of_bounds_is_invalid(long ttlMs)
    {
        var failed = Assert.IsType<CommandFailed>(_h.Apply(LockCommands.CreateSession(ttlMs)).Result);

        Assert.Equal(LockFailureReason.Invalid, failed.Reason);
        Assert.StartsWith("ttlMs:", failed.Detail, StringComparison.Ordinal);
        Assert.Equal(0, _h.Machine.Sessions.Count);
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(3_600_000)]
    public void A_ttl_at_the_bounds_is_accepted(long ttlMs)
    {
        Assert.IsType<SessionCreated>(_h.Apply(LockCommands.CreateSession(ttlMs)).Result);
    }

    [Fact]
    public void The_ttl_bounds_come_from_the_options()
    {
        var h = new LockHarness(new LockServiceOptions { MinSessionTtlMs = 10, MaxSessionTtlMs = 20 });

        Assert.IsType<SessionCreated>(h.Apply(LockCommands.CreateSession(10)).Result);
        Assert.IsType<CommandFailed>(h.Apply(LockCommands.CreateSession(21)).Result);
        Assert.Throws<ArgumentException>(() => new LockServiceStateMachine(new LockServiceOptions { MinSessionTtlMs = 30, MaxSessionTtlMs = 20 }));
    }

    [Fact]
    public void A_keepalive_moves_the_expiry_to_ttl_after_its_own_log_time()
    {
        var start = _h.NowMs;
        var a = _h.NewSession(ttlMs: 10_000);

        _h.NowMs = start + 8_000;
        Assert.Equal(new SessionKeptAlive(a, 10_000), _h.Apply(LockCommands.KeepAlive(a)).Result);
        Assert.Equal(start + 18_000, _h.Machine.NextDeadlineMs);

        var before = _h.ExpireAt(start + 17_999);
        Assert.Empty(before.SessionsEnded);
        Assert.NotNull(_h.Machine.Sessions.Find(a));

        var due = _h.ExpireAt(start + 18_000);
        Assert.Equal(new SessionEnded(a, SessionEndReason.Expired), Assert.Single(due.SessionsEnded));
        Assert.Equal(new ExpiryApplied(1, 0), due.Result);
        Assert.Null(_h.Machine.Sessions.Find(a));
    }

    [Fact]
    public void A_keepalive_at_or_after_the_expiry_finds_the_session_gone_even_without_an_expire_entry()
    {
        var a = _h.NewSession(ttlMs: 10_000);
        _h.NowMs += 10_000;

        var result = _h.Apply(LockCommands.KeepAlive(a));

        Assert.Equal(LockFailureReason.UnknownSession, Assert.IsType<CommandFailed>(result.Result).Reason);
        Assert.Equal(new SessionEnded(a, SessionEndReason.Expired), Assert.Single(result.SessionsEnded));
    }

    [Fact]
    public void Keepalive_and_delete_of_an_unknown_session_fail_with_unknown_session()
    {
        Assert.Equal(LockFailureReason.UnknownSession, Assert.IsType<CommandFailed>(_h.Apply(LockCommands.KeepAlive("s-1")).Result).Reason);
        Assert.Equal(LockFailureReason.UnknownSession, Assert.IsType<CommandFailed>(_h.Apply(LockCommands.DeleteSession("nope")).Result).Reason);
    }

    [Fact]
    public void Session_expiry_releases_its_locks_and_grants_them_to_the_next_waiters_in_the_same_entry()
    {
        var holder = _h.NewSession(ttlMs: 5_000);
        var w1 = _h.NewSession(ttlMs: 60_000);
        var w2 = _h.NewSession(ttlMs: 60_000);
        _h.Granted("a", holder, LockMode.Exclusive);
        _h.Granted("b", holder, LockMode.Shared);
        var r1 = _h.Queued("a", w1, LockMode.Exclusive, waitMs: 30_000);
        var r2 = _h.Queued("b", w2, LockMode.Exclusive, waitMs: 30_000);
        var expiry = _h.Machine.Sessions.Find(holder)!.ExpiresAtMs;
        Assert.Equal(expiry, _h.Machine.NextDeadlineMs);

        var result = _h.ExpireAt(expiry);

        Assert.Equal(new SessionEnded(holder, SessionEndReason.Expired), Assert.Single(result.SessionsEnded));
        Assert.Equal(
            [new WaitOutcome(r1, w1, "a", LockMode.Exclusive, WaitOutcomeKind.Granted, _h.Index), new WaitOutcome(r2, w2, "b", LockMode.Exclusive, WaitOutcomeKind.Granted, _h.Index)],
            result.WaitOutcomes);
        Assert.Equal([w1], _h.HolderSessions("a"));
        Assert.Equal([w2], _h.HolderSessions("b"));
        Assert.Empty(_h.Machine.Locks.HeldBy(holder));
    }

    [Fact]
    public void Session_expiry_fails_its_own_waits_with_session_expired()
    {
        var holder = _h.NewSession(ttlMs: 60_000);
        var waiter = _h.NewSession(ttlMs: 5_000);
        _h.Granted("r", holder, LockMode.Exclusive);
        var rw = _h.Queued("r", waiter, LockMode.Shared, waitMs: 30_000);

        var result = _h.ExpireAt(_h.Machine.Sessions.Find(waiter)!.ExpiresAtMs);

        Assert.Equal(new WaitOutcome(rw, waiter, "r", LockMode.Shared, WaitOutcomeKind.SessionExpired, 0), Assert.Single(result.WaitOutcomes));
        Assert.Empty(_h.Status("r").Waiters);
    }

    [Fact]
    public void Deleting_a_session_releases_its_locks_cancels_its_waits_and_grants_waiters_in_one_entry()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        var c = _h.NewSession();
        _h.Granted("x", a, LockMode.Exclusive);
        _h.Granted("y", b, LockMode.Exclusive);
        var ay = _h.Queued("y", a, LockMode.Exclusive);
        var cx = _h.Queued("x", c, LockMode.Shared);

        var result = _h.Apply(LockCommands.DeleteSession(a));

        Assert.Equal(new SessionDeleted(a), result.Result);
        Assert.Equal(new SessionEnded(a, SessionEndReason.Deleted), Assert.Single(result.SessionsEnded));
        Assert.Equal([(ay, WaitOutcomeKind.Cancelled), (cx, WaitOutcomeKind.Granted)], result.WaitOutcomes.Select(o => (o.RequestId, o.Kind)));
        Assert.Equal([c], _h.HolderSessions("x"));
        Assert.Empty(_h.Status("y").Waiters);
        Assert.Equal(LockFailureReason.UnknownSession, _h.Failed("x", a, LockMode.Shared).Reason);
    }

    [Fact]
    public void A_session_that_waits_for_its_own_expiring_peer_is_not_granted_its_own_released_lock()
    {
        // Waits end before holds are released, so a dying session never gets a grant.
        var a = _h.NewSession(ttlMs: 5_000);
        var b = _h.NewSession(ttlMs: 5_000);
        _h.Granted("r", a, LockMode.Shared);
        _h.Granted("r", b, LockMode.Shared);
        var up = _h.Queued("r", a, LockMode.Exclusive, waitMs: 30_000);

        var result = _h.ExpireAt(_h.NowMs + 5_000);

        Assert.Equal(2, result.SessionsEnded.Count);
        Assert.Equal((up, WaitOutcomeKind.SessionExpired), result.WaitOutcomes.Select(o => (o.RequestId, o.Kind)).Single());
        Assert.Empty(_h.Machine.List());
    }

    [Fact]
    public void Cancelling_a_wait_removes_it_and_lets_the_waiters_behind_it_move_up()
    {
        var a = _h.NewSession();
        var x = _h.NewSession();
        var s = _h.NewSession();
        _h.Granted("r", a, LockMode.Shared);
        var rx = _h.Queued("r", x, LockMode.Exclusive);
        var rs = _h.Queued("r", s, LockMode.Shared);

        var result = _h.Apply(LockCommands.CancelWait("r", x, rx));

        Assert.Equal(new WaitCancelled(rx, true), result.Result);
        Assert.Equal([(rx, WaitOutcomeKind.Cancelled), (rs, WaitOutcomeKind.Granted)], result.WaitOutcomes.Select(o => (o.RequestId, o.Kind)));
        Assert.Equal([a, s], _h.HolderSessions("r"));
    }

    [Theory]
    [InlineData("r", "other", 0)]
    [InlineData("other", "waiter", 0)]
    [InlineData("r", "waiter", 1)]
    public void Cancelling_a_wait_that_does_not_match_changes_nothing(string resource, string session, long requestOffset)
    {
        var a = _h.NewSession();
        var waiter = _h.NewSession();
        _h.Granted("r", a, LockMode.Exclusive);
        var rw = _h.Queued("r", waiter, LockMode.Exclusive);

        var result = _h.Apply(LockCommands.CancelWait(resource, session == "waiter" ? waiter : session, rw + requestOffset));

        Assert.False(Assert.IsType<WaitCancelled>(result.Result).WasWaiting);
        Assert.Empty(result.WaitOutcomes);
        Assert.Equal([waiter], _h.WaiterSessions("r"));
    }

    [Fact]
    public void Cancelling_a_wait_that_was_already_granted_reports_it_was_not_waiting_and_keeps_the_grant()
    {
        var a = _h.NewSession();
        var b = _h.NewSession();
        _h.Granted("r", a, LockMode.Exclusive);
        var rb = _h.Queued("r", b, LockMode.Exclusive);
        _h.Release("r", a);

        Assert.Equal(new WaitCancelled(rb, false), _h.Apply(LockCommands.CancelWait("r", b, rb)).Result);
        Assert.Equal([b], _h.HolderSessions("r"));
    }

    [Fact]
    public void Sessions_due_at_the_same_time_expire_in_id_order_in_one_entry()
    {
        var ids = Enumerable.Range(0, 3).Select(_ => _h.NewSession(ttlMs: 10_000)).ToList();

        // Each session was created at the same log time, so they share a deadline.
        var result = _h.ExpireAt(_h.NowMs + 10_000);

        Assert.Equal(ids.Order(StringComparer.Ordinal), result.SessionsEnded.Select(e => e.SessionId));
        Assert.Equal(0, _h.Machine.Sessions.Count);
    }
}
