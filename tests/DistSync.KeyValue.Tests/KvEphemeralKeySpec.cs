using DistSync.KeyValue.Wire;
using static DistSync.KeyValue.KvCommands;

namespace DistSync.KeyValue.Tests;

public class KvEphemeralKeySpec
{
    private readonly HashSet<string> _live = new() { "s1", "s2" };
    private readonly KvStateMachine _kv;
    private long _index;

    public KvEphemeralKeySpec() => _kv = new KvStateMachine { SessionIsLive = _live.Contains };

    private KvResult Apply(KvCommand command) => _kv.Apply(++_index, 1_000 + _index, 0, 0, command);

    [Fact]
    public void A_put_bound_to_a_live_session_records_the_owner()
    {
        Apply(Put("svc/a", "1", sessionId: "s1"));

        Assert.Equal("s1", _kv.Get("svc/a")!.Value.SessionId);
        Assert.Equal(new[] { "svc/a" }, _kv.KeysOf("s1"));
    }

    [Fact]
    public void A_put_bound_to_an_unknown_session_is_refused_and_writes_nothing()
    {
        var r = Apply(Put("svc/a", "1", sessionId: "nope"));

        Assert.Equal("nope", r.UnknownSession.SessionId);
        Assert.Null(_kv.Get("svc/a"));
    }

    [Fact]
    public void Ending_a_session_deletes_all_its_keys_in_that_entry_and_no_other_key()
    {
        Apply(Put("a", "1", sessionId: "s1"));
        Apply(Put("b", "1", sessionId: "s1"));
        Apply(Put("c", "1", sessionId: "s2"));
        Apply(Put("d", "1"));
        var changes = new List<KvChange>();
        _kv.Changed = changes.Add;

        _live.Remove("s1");
        var deleted = _kv.EndSessions(10, 5_000, new[] { "s1" });

        Assert.Equal(2, deleted);
        Assert.Null(_kv.Get("a"));
        Assert.Null(_kv.Get("b"));
        Assert.NotNull(_kv.Get("c"));
        Assert.NotNull(_kv.Get("d"));
        Assert.Equal(new[] { ("a", 0), ("b", 1) }, changes.Select(c => (c.Key, c.Ordinal)));
        Assert.All(changes, c => Assert.Equal((10L, KvChangeType.Delete), (c.Version, c.Type)));
        Assert.Empty(_kv.KeysOf("s1"));
    }

    [Fact]
    public void A_put_without_a_session_detaches_the_key_so_it_outlives_the_session()
    {
        Apply(Put("a", "1", sessionId: "s1"));
        Apply(Put("a", "2"));

        _kv.EndSessions(10, 5_000, new[] { "s1" });

        Assert.Equal("2", _kv.Get("a")!.Value.Value);
        Assert.Null(_kv.Get("a")!.Value.SessionId);
    }

    [Fact]
    public void A_put_with_another_session_rebinds_the_key()
    {
        Apply(Put("a", "1", sessionId: "s1"));
        Apply(Put("a", "2", sessionId: "s2"));

        _kv.EndSessions(10, 5_000, new[] { "s1" });
        Assert.NotNull(_kv.Get("a"));
        _kv.EndSessions(11, 5_001, new[] { "s2" });
        Assert.Null(_kv.Get("a"));
    }

    [Fact]
    public void Owners_survive_a_snapshot_so_a_restored_replica_deletes_the_same_keys()
    {
        Apply(Put("a", "1", sessionId: "s1"));
        Apply(Put("b", "1", sessionId: "s2"));
        var replica = new KvStateMachine { SessionIsLive = _live.Contains };
        replica.Restore(_kv.Snapshot());

        replica.EndSessions(10, 5_000, new[] { "s1" });
        _kv.EndSessions(10, 5_000, new[] { "s1" });

        Assert.Equal(_kv.Snapshot(), replica.Snapshot());
        Assert.Null(replica.Get("a"));
        Assert.Equal("s2", replica.Get("b")!.Value.SessionId);
    }
}
