using DistSync.Locks.Wire;
using Google.Protobuf;

namespace DistSync.Locks.Tests;

/// <summary>
/// API.md: after a leader change every session gets a grace period before it can expire. Each case lets a session's
/// deadline pass with no entry applied (the election gap), then applies the next entry after that deadline.
/// </summary>
public sealed class LeaderChangeGraceSpec
{
    private const long Ttl = 5_000;

    private readonly LockHarness _h = new();

    [Fact]
    public void In_the_same_term_an_entry_after_the_deadline_still_expires_the_session()
    {
        var created = _h.NowMs;
        var s = _h.NewSession(Ttl);
        _h.Granted("r", s, LockMode.Exclusive);

        var due = _h.ExpireAt(created + Ttl + 3_000);

        Assert.Equal([new SessionEnded(s, SessionEndReason.Expired)], due.SessionsEnded);
        Assert.Empty(_h.HolderSessions("r"));
    }

    [Fact]
    public void The_first_entry_of_a_higher_term_renews_every_session_for_its_own_ttl_before_ending_what_is_due()
    {
        var created = _h.NowMs;
        var s1 = _h.NewSession(Ttl);
        var s2 = _h.NewSession(2_000);
        _h.Granted("r", s1, LockMode.Exclusive);
        var newLeaderFirst = created + Ttl + 3_000;

        _h.Term = 2;
        var first = _h.ExpireAt(newLeaderFirst);

        Assert.Empty(first.SessionsEnded);
        Assert.Equal(new ExpiryApplied(0, 0), first.Result);
        Assert.Equal(newLeaderFirst + Ttl, _h.Machine.Sessions.Find(s1)!.ExpiresAtMs);
        Assert.Equal(newLeaderFirst + 2_000, _h.Machine.Sessions.Find(s2)!.ExpiresAtMs);
        Assert.Equal([s1], _h.HolderSessions("r"));
        Assert.Equal(newLeaderFirst + 2_000, _h.Machine.NextDeadlineMs);
        Assert.Equal(2, _h.Machine.LastTerm);
    }

    [Fact]
    public void A_keepalive_that_is_the_new_terms_first_entry_finds_its_session_alive()
    {
        var created = _h.NowMs;
        var s = _h.NewSession(Ttl);
        _h.Term = 2;
        _h.NowMs = created + Ttl + 3_000;

        var kept = _h.Apply(LockCommands.KeepAlive(s));

        Assert.Equal(new SessionKeptAlive(s, Ttl), kept.Result);
    }

    [Fact]
    public void After_the_grace_passes_without_a_keepalive_the_session_expires_and_its_lock_goes_to_the_waiter()
    {
        var created = _h.NowMs;
        var holder = _h.NewSession(Ttl);
        var waiter = _h.NewSession(600_000);
        _h.Granted("r", holder, LockMode.Exclusive);
        var wait = _h.Queued("r", waiter, LockMode.Exclusive, waitMs: 300_000);
        var newLeaderFirst = created + Ttl + 3_000;
        _h.Term = 2;
        _h.ExpireAt(newLeaderFirst);

        // Later entries of the same term grant no further grace.
        Assert.Empty(_h.ExpireAt(newLeaderFirst + Ttl - 1).SessionsEnded);
        var due = _h.ExpireAt(newLeaderFirst + Ttl);

        Assert.Equal([new SessionEnded(holder, SessionEndReason.Expired)], due.SessionsEnded);
        Assert.Equal((wait, WaitOutcomeKind.Granted), (_h.OutcomeOf(wait).RequestId, _h.OutcomeOf(wait).Kind));
        Assert.Equal([waiter], _h.HolderSessions("r"));
    }

    [Fact]
    public void Each_further_leader_change_renews_every_session_again_for_its_own_ttl()
    {
        var s = _h.NewSession(Ttl);
        var longLived = _h.NewSession(60_000);
        _h.Term = 2;
        _h.ExpireAt(_h.NowMs + Ttl + 1_000);
        var secondGrace = _h.NowMs + Ttl + 1_000;

        _h.Term = 7;
        Assert.Empty(_h.ExpireAt(secondGrace).SessionsEnded);

        Assert.Equal(secondGrace + Ttl, _h.Machine.Sessions.Find(s)!.ExpiresAtMs);
        Assert.Equal(secondGrace + 60_000, _h.Machine.Sessions.Find(longLived)!.ExpiresAtMs);
    }

    [Fact]
    public void A_wait_whose_deadline_passed_during_the_election_still_times_out()
    {
        var holder = _h.NewSession(600_000);
        var waiter = _h.NewSession(Ttl);
        _h.Granted("r", holder, LockMode.Exclusive);
        var wait = _h.Queued("r", waiter, LockMode.Exclusive, waitMs: 1_000);

        _h.Term = 2;
        var first = _h.ExpireAt(_h.NowMs + Ttl + 3_000);

        Assert.Equal(WaitOutcomeKind.TimedOut, _h.OutcomeOf(wait).Kind);
        Assert.Empty(first.SessionsEnded);
    }

    [Fact]
    public void A_restored_replica_keeps_the_last_term_and_grants_the_same_grace_as_the_original()
    {
        _h.Term = 3;
        var created = _h.NowMs;
        var s = _h.NewSession(Ttl);
        _h.Granted("r", s, LockMode.Exclusive);
        var bytes = _h.Machine.Snapshot();
        var copy = new LockServiceStateMachine();
        copy.Restore(bytes);

        Assert.Equal(3, LockSnapshot.Parser.ParseFrom(bytes).LastTerm);
        Assert.Equal(3, copy.LastTerm);
        _h.Term = 4;
        var original = _h.ExpireAt(created + Ttl + 3_000);
        var restored = copy.Apply(_h.Index, 4, _h.NowMs, LockCommands.Expire());

        LockSnapshotSpec.AssertSameResult(original, restored);
        Assert.Empty(restored.SessionsEnded);
        Assert.Equal(_h.Machine.Snapshot(), copy.Snapshot());
    }

    [Fact]
    public void A_snapshot_without_a_term_takes_the_next_entrys_term_without_a_grace()
    {
        // Snapshots written before last_term existed read as term 0: which term they ended in is unknown.
        _h.Term = 3;
        var created = _h.NowMs;
        var s = _h.NewSession(Ttl);
        var old = LockSnapshot.Parser.ParseFrom(_h.Machine.Snapshot());
        old.LastTerm = 0;
        var copy = new LockServiceStateMachine();
        copy.Restore(old.ToByteArray());

        var next = copy.Apply(_h.Index + 1, 4, created + Ttl + 3_000, LockCommands.Expire());

        Assert.Equal([new SessionEnded(s, SessionEndReason.Expired)], next.SessionsEnded);
        Assert.Equal(4, copy.LastTerm);
    }

    [Fact]
    public void A_snapshot_with_a_negative_term_is_refused_clearly()
    {
        var bad = new LockSnapshot { LastAppliedIndex = 3, LastTerm = -1 };
        var machine = new LockServiceStateMachine();

        var error = Assert.Throws<InvalidDataException>(() => machine.Restore(bad.ToByteArray()));

        Assert.Contains("term", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, machine.LastAppliedIndex);
    }

    [Fact]
    public void An_entry_whose_term_is_below_the_last_applied_term_is_refused_and_changes_nothing()
    {
        _h.Term = 5;
        _h.NewSession(Ttl);
        var before = _h.Machine.Snapshot();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => _h.Machine.Apply(_h.Index + 1, 4, _h.NowMs, LockCommands.Expire()));

        Assert.Contains("term 4", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, _h.Machine.Snapshot());
    }
}
