namespace DistSync.Raft.Tests.Sessions;

public class SessionTableSpec
{
    [Fact]
    public void A_retried_command_gets_the_cached_result_instead_of_being_applied_twice()
    {
        var t = new SessionTable<string>(1000);
        t.AdvanceTime(10);
        t.Open(7);
        Assert.Equal(SessionCheck.New, t.Check(7, 1, out _));
        t.Record(7, 1, "first");
        Assert.Equal(SessionCheck.Duplicate, t.Check(7, 1, out var cached));
        Assert.Equal("first", cached);
        Assert.Equal(SessionCheck.New, t.Check(7, 2, out _));
        t.Record(7, 2, "second");
        Assert.Equal(SessionCheck.Stale, t.Check(7, 1, out _));
    }

    [Fact]
    public void Commands_of_an_unknown_session_are_rejected()
    {
        var t = new SessionTable<string>(1000);
        Assert.Equal(SessionCheck.UnknownSession, t.Check(7, 1, out _));
        Assert.Throws<InvalidOperationException>(() => t.Record(7, 1, "x"));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Open(0));
    }

    [Fact]
    public void Sessions_expire_from_entry_timestamps_only_in_a_deterministic_order()
    {
        var t = new SessionTable<string>(100);
        t.AdvanceTime(1000);
        t.Open(3);
        t.Open(1);
        t.AdvanceTime(1050);
        t.Open(2);
        Assert.Empty(t.AdvanceTime(1099));
        Assert.Equal(new ulong[] { 1, 3 }, t.AdvanceTime(1100)); // same deadline: by client id
        Assert.Equal(SessionCheck.UnknownSession, t.Check(1, 1, out _));
        Assert.True(t.IsOpen(2));
        Assert.Equal(new ulong[] { 2 }, t.AdvanceTime(1150));
    }

    [Fact]
    public void A_lagging_leader_clock_never_moves_time_backwards()
    {
        var t = new SessionTable<string>(100);
        t.AdvanceTime(1000);
        t.Open(1);
        t.AdvanceTime(500); // a new leader whose clock is behind
        Assert.Equal(1000, t.NowMs);
        Assert.Equal(new ulong[] { 1 }, t.AdvanceTime(1100));
    }

    [Fact]
    public void Activity_keeps_a_session_alive()
    {
        var t = new SessionTable<string>(100);
        t.AdvanceTime(0);
        t.Open(1);
        t.AdvanceTime(90);
        Assert.True(t.KeepAlive(1));
        Assert.Empty(t.AdvanceTime(150));
        t.Check(1, 1, out _);
        Assert.Empty(t.AdvanceTime(240));
        Assert.Equal(new ulong[] { 1 }, t.AdvanceTime(250));
    }

    [Fact]
    public void Replicas_restored_from_a_snapshot_behave_identically()
    {
        var a = new SessionTable<string>(100);
        a.AdvanceTime(10);
        a.Open(1);
        a.Open(2);
        a.Check(1, 5, out _);
        a.Record(1, 5, "five");
        var b = new SessionTable<string>(100);
        b.Import(a.Export(), a.NowMs);
        Assert.Equal(SessionCheck.Duplicate, b.Check(1, 5, out var cached));
        Assert.Equal("five", cached);
        a.Check(1, 5, out _);
        Assert.Equal(a.AdvanceTime(200), b.AdvanceTime(200));
    }
}
