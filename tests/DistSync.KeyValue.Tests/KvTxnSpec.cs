using DistSync.KeyValue.Wire;
using static DistSync.KeyValue.KvCommands;

namespace DistSync.KeyValue.Tests;

public class KvTxnSpec
{
    private readonly KvStateMachine _kv = new(new KvLimits(MaxKeyBytes: 16, MaxValueBytes: 32)) { SessionIsLive = id => id == "live" };
    private long _index;

    private KvResult Apply(KvCommand command) => _kv.Apply(++_index, 1_000 + _index, 0, 0, command);

    private KvResult Txn(IEnumerable<Compare>? compare, IEnumerable<TxnOp>? success, IEnumerable<TxnOp>? failure = null) =>
        Apply(KvCommands.Txn(MakeTxn(compare, success, failure)));

    [Fact]
    public void When_every_compare_holds_the_success_ops_run_in_one_entry()
    {
        Apply(Put("a", "1"));
        var before = _kv.Get("a")!.Value.Version;

        var r = Txn(new[] { CompareVersion("a", before), CompareExists("b", false) },
            new[] { TxnPut("a", "2"), TxnPut("b", "x"), TxnGet("a") },
            new[] { TxnGet("a") });

        Assert.True(r.Txn.Succeeded);
        Assert.Equal(_index, r.Txn.Version);
        Assert.Equal(3, r.Txn.Results.Count);
        Assert.Equal(_index, r.Txn.Results[0].Put.Version);
        // a get after a put of the same txn sees it
        Assert.Equal(("2", _index), (r.Txn.Results[2].Get.Value, r.Txn.Results[2].Get.Version));
        Assert.Equal(_index, _kv.Get("b")!.Value.Version);
    }

    [Fact]
    public void When_a_compare_fails_only_the_failure_ops_run()
    {
        Apply(Put("a", "1"));

        var r = Txn(new[] { CompareValue("a", "1"), CompareVersion("a", 99) },
            new[] { TxnPut("a", "2") },
            new[] { TxnGet("a"), TxnDelete("zz") });

        Assert.False(r.Txn.Succeeded);
        Assert.Equal("1", _kv.Get("a")!.Value.Value);
        Assert.True(r.Txn.Results[0].Get.Found);
        Assert.Equal(0, r.Txn.Results[1].Delete.Deleted);
    }

    [Theory]
    [InlineData(CompareOp.Equal, 5, true)]
    [InlineData(CompareOp.NotEqual, 5, false)]
    [InlineData(CompareOp.Less, 6, true)]
    [InlineData(CompareOp.Less, 5, false)]
    [InlineData(CompareOp.Greater, 4, true)]
    [InlineData(CompareOp.Greater, 5, false)]
    public void Version_compares_use_their_operator(CompareOp op, long version, bool holds)
    {
        _index = 4;
        Apply(Put("a", "1")); // version 5

        Assert.Equal(holds, Txn(new[] { CompareVersion("a", version, op) }, null).Txn.Succeeded);
    }

    [Fact]
    public void A_missing_key_has_version_and_create_version_zero_and_fails_every_value_compare()
    {
        Assert.True(Txn(new[] { CompareVersion("none", 0) }, null).Txn.Succeeded);
        Assert.True(Txn(new[] { CompareCreateVersion("none", 0) }, null).Txn.Succeeded);
        Assert.False(Txn(new[] { CompareValue("none", "") }, null).Txn.Succeeded);
        Assert.False(Txn(new[] { CompareValue("none", "x", CompareOp.NotEqual) }, null).Txn.Succeeded);
        Assert.True(Txn(new[] { CompareExists("none", true, CompareOp.NotEqual) }, null).Txn.Succeeded);
    }

    [Fact]
    public void Value_compares_are_ordinal()
    {
        Apply(Put("a", "b"));

        Assert.True(Txn(new[] { CompareValue("a", "a", CompareOp.Greater) }, null).Txn.Succeeded);
        Assert.True(Txn(new[] { CompareValue("a", "B", CompareOp.Greater) }, null).Txn.Succeeded);
        Assert.True(Txn(new[] { CompareValue("a", "c", CompareOp.Less) }, null).Txn.Succeeded);
    }

    [Fact]
    public void Create_version_compares_order_keys_by_creation()
    {
        Apply(Put("first", "1"));
        Apply(Put("second", "1"));
        var created = _kv.Get("second")!.Value.CreateVersion;

        Assert.True(Txn(new[] { CompareCreateVersion("first", created, CompareOp.Less) }, null).Txn.Succeeded);
    }

    [Fact]
    public void Two_cas_txns_on_the_same_version_succeed_once()
    {
        Apply(Put("a", "0"));
        var v = _kv.Get("a")!.Value.Version;
        var one = Txn(new[] { CompareVersion("a", v) }, new[] { TxnPut("a", "1") });
        var two = Txn(new[] { CompareVersion("a", v) }, new[] { TxnPut("a", "2") });

        Assert.True(one.Txn.Succeeded);
        Assert.False(two.Txn.Succeeded);
        Assert.Equal("1", _kv.Get("a")!.Value.Value);
    }

    [Fact]
    public void A_txn_can_delete_a_prefix_and_reports_how_many_keys_went()
    {
        Apply(Put("t/1", "x"));
        Apply(Put("t/2", "x"));

        var r = Txn(null, new[] { TxnDeleteRange(KvKeyRange.WithPrefix("t/")), TxnPut("t/3", "y") });

        Assert.Equal(2, r.Txn.Results[0].Delete.Deleted);
        Assert.Equal(1, _kv.Count);
    }

    [Fact]
    public void An_invalid_op_rejects_the_whole_txn_naming_the_field_and_applies_nothing()
    {
        var r = Txn(null, new[] { TxnPut("ok", "1"), TxnPut("", "2") });

        Assert.Equal("success[1].key", r.Invalid.Field);
        Assert.Contains("success[1].key", r.Invalid.Message);
        Assert.Null(_kv.Get("ok"));
    }

    [Fact]
    public void A_compare_without_a_target_or_an_ordered_exists_compare_is_invalid()
    {
        Assert.Equal("compare[0]", Txn(new[] { new Compare { Key = "a" } }, null).Invalid.Field);
        Assert.Equal("compare[0].op", Txn(new[] { CompareExists("a", true, CompareOp.Less) }, null).Invalid.Field);
    }

    [Fact]
    public void More_than_128_ops_are_refused()
    {
        var ops = Enumerable.Range(0, 129).Select(i => TxnGet("k" + i));

        Assert.Equal("success", Txn(null, ops).Invalid.Field);
    }

    [Fact]
    public void A_put_to_a_session_that_is_not_live_rejects_the_txn_even_in_the_branch_that_does_not_run()
    {
        var r = Txn(new[] { CompareExists("x", false) }, new[] { TxnPut("a", "1") }, new[] { TxnPut("b", "1", "dead") });

        Assert.Equal("dead", r.UnknownSession.SessionId);
        Assert.Null(_kv.Get("a"));
    }

    [Fact]
    public void The_changes_of_a_txn_share_its_version_and_are_numbered_in_op_order()
    {
        Apply(Put("b", "old"));
        var changes = new List<KvChange>();
        _kv.Changed = changes.Add;

        Txn(null, new[] { TxnPut("z", "1"), TxnDelete("b"), TxnPut("a", "2") });

        Assert.Equal(new[] { ("z", 0), ("b", 1), ("a", 2) }, changes.Select(c => (c.Key, c.Ordinal)));
        Assert.All(changes, c => Assert.Equal(_index, c.Version));
        Assert.Equal(KvChangeType.Delete, changes[1].Type);
        Assert.Equal("old", changes[1].PrevValue);
    }
}
