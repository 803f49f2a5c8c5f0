using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.KvInput, DistSync.Linearizability.Models.KvOutput>;
using R = DistSync.Linearizability.Models.KvTxnOpResult;

namespace DistSync.Linearizability.Tests;

/// <summary>Hand-made histories with transactions, ranges and range deletes judged by <see cref="KvTxnModel"/>.</summary>
public class KvTxnHistoriesSpec
{
    private static Op Put(int client, string key, string value, long version, long call, long ret) =>
        Op.Completed(client, KvInput.Put(key, value), call, KvOutput.Written(version), ret);

    private static Op Get(int client, string key, string value, long version, long create, long call, long ret) =>
        Op.Completed(client, KvInput.Get(key), call, KvOutput.Found(value, version, create), ret);

    private static Op Missing(int client, string key, long call, long ret) =>
        Op.Completed(client, KvInput.Get(key), call, KvOutput.NotFound, ret);

    private static Op Txn(int client, KvTxn txn, bool succeeded, long version, R[] results, long call, long ret) =>
        Op.Completed(client, KvInput.Transaction(txn), call, KvOutput.Transaction(new KvTxnResult(succeeded, version, results)), ret);

    private static Op TxnTimedOut(int client, KvTxn txn, long call) => Op.Unknown(client, KvInput.Transaction(txn), call);

    private static Op Range(int client, KvRange range, KvRangeItem[] kvs, bool more, long revision, long call, long ret) =>
        Op.Completed(client, KvInput.RangeRead(range), call, KvOutput.RangeResult(new KvRangeResult(kvs, more, revision)), ret);

    private static KvTxn If(KvCompare[] compares, KvTxnOp[] success, params KvTxnOp[] failure) => new(compares, success, failure);

    private static KvTxn CasPut(string key, long version, string value) =>
        If([KvCompare.Version(key, version)], [KvTxnOp.Put(key, value)], KvTxnOp.Get(key));

    private static KvTxn PutBoth(string value) => If([], [KvTxnOp.Put("a", value), KvTxnOp.Put("b", value)]);

    private static KvTxn GetBoth => If([], [KvTxnOp.Get("a"), KvTxnOp.Get("b")]);

    public static TheoryData<string, Op[], CheckOutcome> Histories => new()
    {
        {
            "a txn's put is read back with the txn's version",
            [Txn(1, PutBoth("1"), true, 5, [R.Put(5), R.Put(5)], 0, 1), Get(2, "a", "1", 5, 5, 2, 3), Get(2, "b", "1", 5, 5, 4, 5)],
            CheckOutcome.Ok
        },
        {
            "a txn's puts report a version other than the txn's",
            [Txn(1, PutBoth("1"), true, 5, [R.Put(5), R.Put(6)], 0, 1)],
            CheckOutcome.Illegal
        },
        {
            "two concurrent txns both win a compare on the same version",
            [
                Put(1, "a", "x", 4, 0, 1),
                Txn(2, CasPut("a", 4, "y"), true, 7, [R.Put(7)], 2, 10),
                Txn(3, CasPut("a", 4, "z"), true, 8, [R.Put(8)], 2, 10),
            ],
            CheckOutcome.Illegal
        },
        {
            "two concurrent txns compare the same version, one wins and the loser reads the winner",
            [
                Put(1, "a", "x", 4, 0, 1),
                Txn(2, CasPut("a", 4, "y"), true, 7, [R.Put(7)], 2, 10),
                Txn(3, CasPut("a", 4, "z"), false, 8, [R.GetFound("y", 7, 4)], 2, 10),
            ],
            CheckOutcome.Ok
        },
        {
            "the losing txn's get sees the value it lost to at a wrong createVersion",
            [
                Put(1, "a", "x", 4, 0, 1),
                Txn(2, CasPut("a", 4, "y"), true, 7, [R.Put(7)], 2, 10),
                Txn(3, CasPut("a", 4, "z"), false, 8, [R.GetFound("y", 7, 7)], 2, 10),
            ],
            CheckOutcome.Illegal
        },
        {
            "a get inside a txn observes a value never written",
            [Put(1, "a", "x", 4, 0, 1), Txn(2, GetBoth, true, 6, [R.GetFound("w", 4, 4), R.GetMissing], 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "a later read contradicts a txn's result",
            [Txn(1, PutBoth("1"), true, 5, [R.Put(5), R.Put(5)], 0, 1), Missing(2, "b", 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "a reader txn sees half of a concurrent two-key txn",
            [
                Txn(1, PutBoth("0"), true, 2, [R.Put(2), R.Put(2)], 0, 1),
                Txn(2, PutBoth("1"), true, 5, [R.Put(5), R.Put(5)], 2, 10),
                Txn(3, GetBoth, true, 6, [R.GetFound("1", 5, 2), R.GetFound("0", 2, 2)], 3, 9),
            ],
            CheckOutcome.Illegal
        },
        {
            "a reader txn sees all of a concurrent two-key txn",
            [
                Txn(1, PutBoth("0"), true, 2, [R.Put(2), R.Put(2)], 0, 1),
                Txn(2, PutBoth("1"), true, 5, [R.Put(5), R.Put(5)], 2, 10),
                Txn(3, GetBoth, true, 6, [R.GetFound("1", 5, 2), R.GetFound("1", 5, 2)], 3, 9),
            ],
            CheckOutcome.Ok
        },
        {
            "a get after a put of the same txn sees it",
            [Put(1, "a", "x", 3, 0, 1), Txn(2, If([], [KvTxnOp.Put("a", "y"), KvTxnOp.Get("a")]), true, 6, [R.Put(6), R.GetFound("y", 6, 3)], 2, 3)],
            CheckOutcome.Ok
        },
        {
            "a get after a put of the same txn sees the old value",
            [Put(1, "a", "x", 3, 0, 1), Txn(2, If([], [KvTxnOp.Put("a", "y"), KvTxnOp.Get("a")]), true, 6, [R.Put(6), R.GetFound("x", 3, 3)], 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "a key created and overwritten by one txn keeps createVersion = version",
            [Txn(1, If([], [KvTxnOp.Put("a", "1"), KvTxnOp.Put("a", "2")]), true, 4, [R.Put(4), R.Put(4)], 0, 1), Get(2, "a", "2", 4, 4, 2, 3)],
            CheckOutcome.Ok
        },
        {
            "an overwrite inside one txn moves createVersion",
            [Put(1, "a", "0", 2, 0, 1), Txn(1, If([], [KvTxnOp.Put("a", "1"), KvTxnOp.Put("a", "2")]), true, 4, [R.Put(4), R.Put(4)], 2, 3), Get(2, "a", "2", 4, 4, 4, 5)],
            CheckOutcome.Illegal
        },
        {
            "a value compare on a missing key is false even for !=",
            [Txn(1, If([KvCompare.Value("a", "x", KvCompareOp.NotEqual)], [KvTxnOp.Put("a", "y")]), true, 3, [R.Put(3)], 0, 1)],
            CheckOutcome.Illegal
        },
        {
            "a value compare on a missing key fails",
            [Txn(1, If([KvCompare.Value("a", "x", KvCompareOp.NotEqual)], [KvTxnOp.Put("a", "y")], KvTxnOp.Get("a")), false, 3, [R.GetMissing], 0, 1)],
            CheckOutcome.Ok
        },
        {
            "version and createVersion are 0 for a missing key",
            [Txn(1, If([KvCompare.Version("a", 0), KvCompare.CreateVersion("a", 1, KvCompareOp.Less), KvCompare.Exists("a", false)], [KvTxnOp.Put("a", "y")]), true, 3, [R.Put(3)], 0, 1)],
            CheckOutcome.Ok
        },
        {
            "createVersion stays at the creating write",
            [
                Put(1, "a", "x", 3, 0, 1), Put(1, "a", "y", 7, 2, 3),
                Txn(1, If([KvCompare.CreateVersion("a", 3), KvCompare.Version("a", 5, KvCompareOp.Greater), KvCompare.Value("a", "x", KvCompareOp.Greater)], [KvTxnOp.Delete("a")]), true, 9, [R.Delete(1)], 4, 5),
                Missing(2, "a", 6, 7),
            ],
            CheckOutcome.Ok
        },
        {
            "createVersion compared as if it moved with the last write",
            [
                Put(1, "a", "x", 3, 0, 1), Put(1, "a", "y", 7, 2, 3),
                Txn(1, If([KvCompare.CreateVersion("a", 7)], [KvTxnOp.Delete("a")]), true, 9, [R.Delete(1)], 4, 5),
            ],
            CheckOutcome.Illegal
        },
        {
            "a delete by prefix counts the keys it removes",
            [
                Txn(1, If([], [KvTxnOp.Put("p/a", "1"), KvTxnOp.Put("p/b", "1"), KvTxnOp.Put("q", "1")]), true, 2, [R.Put(2), R.Put(2), R.Put(2)], 0, 1),
                Txn(1, If([], [KvTxnOp.DeletePrefix("p/"), KvTxnOp.Get("q")]), true, 4, [R.Delete(2), R.GetFound("1", 2, 2)], 2, 3),
                Missing(2, "p/b", 4, 5),
            ],
            CheckOutcome.Ok
        },
        {
            "a delete by prefix miscounts",
            [
                Txn(1, If([], [KvTxnOp.Put("p/a", "1"), KvTxnOp.Put("p/b", "1"), KvTxnOp.Put("q", "1")]), true, 2, [R.Put(2), R.Put(2), R.Put(2)], 0, 1),
                Txn(1, If([], [KvTxnOp.DeletePrefix("p/")]), true, 4, [R.Delete(3)], 2, 3),
            ],
            CheckOutcome.Illegal
        },
        {
            "versions go backwards across keys a txn connects",
            [Txn(1, PutBoth("1"), true, 10, [R.Put(10), R.Put(10)], 0, 1), Put(2, "b", "2", 5, 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "a range pages with limit and more",
            [
                Txn(1, If([], [KvTxnOp.Put("a", "1"), KvTxnOp.Put("b", "2"), KvTxnOp.Put("c", "3")]), true, 2, [R.Put(2), R.Put(2), R.Put(2)], 0, 1),
                Range(2, KvRange.WithPrefix("", limit: 2), [new("a", "1", 2, 2), new("b", "2", 2, 2)], more: true, revision: 2, 2, 3),
                Range(2, KvRange.WithPrefix("", limit: 2, after: "b"), [new("c", "3", 2, 2)], more: false, revision: 3, 4, 5),
                Range(2, KvRange.Between("b", "c"), [new("b", "2", 2, 2)], more: false, revision: 0, 6, 7),
            ],
            CheckOutcome.Ok
        },
        {
            "a full page claims nothing remains",
            [
                Txn(1, If([], [KvTxnOp.Put("a", "1"), KvTxnOp.Put("b", "2"), KvTxnOp.Put("c", "3")]), true, 2, [R.Put(2), R.Put(2), R.Put(2)], 0, 1),
                Range(2, KvRange.WithPrefix("", limit: 2), [new("a", "1", 2, 2), new("b", "2", 2, 2)], more: false, revision: 0, 2, 3),
            ],
            CheckOutcome.Illegal
        },
        {
            "a range skips an existing key",
            [
                Txn(1, If([], [KvTxnOp.Put("a", "1"), KvTxnOp.Put("b", "2"), KvTxnOp.Put("c", "3")]), true, 2, [R.Put(2), R.Put(2), R.Put(2)], 0, 1),
                Range(2, KvRange.WithPrefix(""), [new("a", "1", 2, 2), new("c", "3", 2, 2)], more: false, revision: 0, 2, 3),
            ],
            CheckOutcome.Illegal
        },
        {
            "a range shows a key never written",
            [Put(1, "a", "1", 2, 0, 1), Range(2, KvRange.WithPrefix(""), [new("a", "1", 2, 2), new("z", "9", 2, 2)], more: false, revision: 0, 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "a range's revision is older than a write it follows",
            [Put(1, "a", "1", 5, 0, 1), Range(2, KvRange.WithPrefix(""), [new("a", "1", 5, 5)], more: false, revision: 4, 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "a write after a range has a version below the range's revision",
            [Put(1, "a", "1", 5, 0, 1), Range(2, KvRange.WithPrefix(""), [new("a", "1", 5, 5)], more: false, revision: 8, 2, 3), Put(1, "a", "2", 7, 4, 5)],
            CheckOutcome.Illegal
        },
        {
            "a timed-out txn is seen later with its version",
            [Put(1, "a", "x", 3, 0, 1), TxnTimedOut(2, CasPut("a", 3, "y"), 2), Get(3, "a", "y", 9, 3, 20, 21), Get(3, "a", "y", 9, 3, 22, 23)],
            CheckOutcome.Ok
        },
        {
            "a timed-out txn whose compare failed wrote nothing",
            [Put(1, "a", "x", 3, 0, 1), TxnTimedOut(2, CasPut("a", 2, "y"), 2), Get(3, "a", "y", 9, 3, 20, 21)],
            CheckOutcome.Illegal
        },
        {
            "an undecidable timed-out txn leaves either branch's write",
            [
                Op.Unknown(1, KvInput.Put("a", "x"), 0),
                TxnTimedOut(2, If([KvCompare.Version("a", 7)], [KvTxnOp.Put("b", "s")], KvTxnOp.Put("b", "f")), 1),
                Get(3, "b", "f", 9, 9, 20, 21), Get(3, "a", "x", 4, 4, 22, 23),
            ],
            CheckOutcome.Ok
        },
        {
            // Either the put overwrote the txn's write, or the txn (placed later) wrote at a version above 12.
            "an undecidable timed-out txn's write is read at a version below one it must follow",
            [
                Op.Unknown(1, KvInput.Put("a", "x"), 0),
                TxnTimedOut(2, If([KvCompare.Version("a", 7)], [KvTxnOp.Put("b", "s")], KvTxnOp.Put("b", "f")), 1),
                Put(3, "b", "z", 12, 20, 21), Get(3, "b", "f", 9, 9, 22, 23),
            ],
            CheckOutcome.Illegal
        },
        {
            "a range delete counts and takes an index",
            [
                Txn(1, If([], [KvTxnOp.Put("a", "1"), KvTxnOp.Put("b", "2")]), true, 2, [R.Put(2), R.Put(2)], 0, 1),
                Op.Completed(1, KvInput.DeleteRange(KvRange.Between("a", "b")), 2, KvOutput.DeletedRange(1, 3), 3),
                Missing(2, "a", 4, 5), Get(2, "b", "2", 2, 2, 6, 7),
            ],
            CheckOutcome.Ok
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_txn_model_judges_multi_key_histories(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new KvTxnModel(), history, TimeSpan.FromSeconds(20));

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }

    [Theory]
    [MemberData(nameof(KvHistoriesSpec.VersionedHistories), MemberType = typeof(KvHistoriesSpec))]
    public void Single_key_histories_get_the_verdict_of_the_per_key_model(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new KvTxnModel(), history, TimeSpan.FromSeconds(20));

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }

    [Fact]
    public void A_txn_joins_its_keys_into_one_part_and_other_keys_stay_apart()
    {
        Op[] history =
        [
            Txn(1, PutBoth("1"), true, 5, [R.Put(5), R.Put(5)], 0, 1),
            Put(2, "c", "x", 6, 0, 1),
            Put(2, "c", "y", 8, 2, 3), Get(1, "c", "x", 6, 6, 4, 5),
        ];

        var result = LinearizabilityChecker.Check(new KvTxnModel(), history);

        Assert.Equal(["keys \"a\", \"b\"", "key \"c\""], result.Partitions.Select(p => p.Label).ToArray());
        Assert.Equal([CheckOutcome.Ok, CheckOutcome.Illegal], result.Partitions.Select(p => p.Outcome).ToArray());
    }

    [Fact]
    public void The_per_key_model_refuses_a_txn_instead_of_misjudging_it()
    {
        Op[] history = [Txn(1, PutBoth("1"), true, 5, [R.Put(5), R.Put(5)], 0, 1)];

        Assert.Throws<ArgumentException>(() => LinearizabilityChecker.Check(new KvModel(), history));
    }
}
