using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.KvInput, DistSync.Linearizability.Models.KvOutput>;

namespace DistSync.Linearizability.Tests;

public class KvHistoriesSpec
{
    private static Op Put(int client, string key, string value, long version, long call, long ret) =>
        Op.Completed(client, KvInput.Put(key, value), call, KvOutput.Written(version), ret);

    private static Op Get(int client, string key, string value, long version, long call, long ret) =>
        Op.Completed(client, KvInput.Get(key), call, KvOutput.Found(value, version), ret);

    private static Op Missing(int client, string key, long call, long ret) =>
        Op.Completed(client, KvInput.Get(key), call, KvOutput.NotFound, ret);

    private static Op Cas(int client, string key, string value, long expected, KvOutput output, long call, long ret) =>
        Op.Completed(client, KvInput.CompareAndSet(key, value, expected), call, output, ret);

    private static Op Delete(int client, string key, bool existed, long call, long ret) =>
        Op.Completed(client, KvInput.Delete(key), call, KvOutput.Deleted(existed), ret);

    private static Op PutTimedOut(int client, string key, string value, long call) => Op.Unknown(client, KvInput.Put(key, value), call);

    public static TheoryData<string, Op[], CheckOutcome> VersionedHistories => new()
    {
        { "get of a missing key", [Missing(1, "a", 0, 1)], CheckOutcome.Ok },
        { "put then get with the put's version", [Put(1, "a", "x", 5, 0, 1), Get(2, "a", "x", 5, 2, 3)], CheckOutcome.Ok },
        { "get reports a version the put did not return", [Put(1, "a", "x", 5, 0, 1), Get(2, "a", "x", 6, 2, 3)], CheckOutcome.Illegal },
        { "get of a value never written", [Put(1, "a", "x", 5, 0, 1), Get(2, "a", "y", 5, 2, 3)], CheckOutcome.Illegal },
        { "versions of one key go backwards", [Put(1, "a", "x", 5, 0, 1), Put(1, "a", "y", 4, 2, 3)], CheckOutcome.Illegal },
        { "versions of one key grow with gaps", [Put(1, "a", "x", 5, 0, 1), Put(1, "a", "y", 9, 2, 3)], CheckOutcome.Ok },
        { "key missing after a completed put", [Put(1, "a", "x", 1, 0, 1), Missing(2, "a", 2, 3)], CheckOutcome.Illegal },
        { "delete then get finds nothing", [Put(1, "a", "x", 1, 0, 1), Delete(1, "a", true, 2, 3), Missing(2, "a", 4, 5)], CheckOutcome.Ok },
        { "delete of a missing key claims it existed", [Delete(1, "a", true, 0, 1)], CheckOutcome.Illegal },
        { "create-only compare-and-set on a missing key", [Cas(1, "a", "x", 0, KvOutput.Written(3), 0, 1)], CheckOutcome.Ok },
        {
            "create-only compare-and-set on an existing key succeeds",
            [Put(1, "a", "x", 1, 0, 1), Cas(2, "a", "y", 0, KvOutput.Written(3), 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "compare-and-set on the current version",
            [Put(1, "a", "x", 4, 0, 1), Cas(2, "a", "y", 4, KvOutput.Written(7), 2, 3), Get(1, "a", "y", 7, 4, 5)],
            CheckOutcome.Ok
        },
        {
            "compare-and-set on the current version reports a mismatch",
            [Put(1, "a", "x", 4, 0, 1), Cas(2, "a", "y", 4, KvOutput.VersionMismatch, 2, 3)],
            CheckOutcome.Illegal
        },
        {
            "two concurrent compare-and-sets on one version both win",
            [Put(1, "a", "x", 4, 0, 1), Cas(2, "a", "y", 4, KvOutput.Written(7), 2, 10), Cas(3, "a", "z", 4, KvOutput.Written(8), 2, 10)],
            CheckOutcome.Illegal
        },
        {
            "two concurrent compare-and-sets on one version, one wins",
            [Put(1, "a", "x", 4, 0, 1), Cas(2, "a", "y", 4, KvOutput.Written(7), 2, 10), Cas(3, "a", "z", 4, KvOutput.VersionMismatch, 2, 10)],
            CheckOutcome.Ok
        },
        {
            "timed-out put seen later with its version",
            [Put(1, "a", "x", 3, 0, 1), PutTimedOut(2, "a", "y", 2), Get(3, "a", "y", 9, 20, 21), Get(3, "a", "y", 9, 22, 23)],
            CheckOutcome.Ok
        },
        {
            "timed-out put seen with two different versions",
            [PutTimedOut(2, "a", "y", 2), Get(3, "a", "y", 9, 20, 21), Get(3, "a", "y", 10, 22, 23)],
            CheckOutcome.Illegal
        },
        {
            "timed-out put cannot carry a version older than a completed one",
            [Put(1, "a", "x", 3, 0, 1), PutTimedOut(2, "a", "y", 2), Get(3, "a", "y", 2, 20, 21)],
            CheckOutcome.Illegal
        },
        {
            "timed-out put never seen",
            [PutTimedOut(2, "a", "y", 0), Missing(3, "a", 20, 21)],
            CheckOutcome.Ok
        },
        {
            "keys are independent: stale read on b is caught although a is fine",
            [Put(1, "a", "x", 1, 0, 1), Get(2, "a", "x", 1, 2, 3), Put(1, "b", "p", 2, 4, 5), Put(1, "b", "q", 3, 6, 7), Get(2, "b", "p", 2, 8, 9)],
            CheckOutcome.Illegal
        },
        {
            "concurrent puts on different keys",
            [Put(1, "a", "x", 2, 0, 10), Put(2, "b", "y", 1, 0, 10), Get(3, "a", "x", 2, 11, 12), Get(3, "b", "y", 1, 11, 12)],
            CheckOutcome.Ok
        },
    };

    [Theory]
    [MemberData(nameof(VersionedHistories))]
    public void The_versioned_model_judges_kv_histories(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new KvModel(), history);

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }

    [Theory]
    [InlineData(true, CheckOutcome.Illegal)]
    [InlineData(false, CheckOutcome.Ok)]
    public void Versions_are_checked_only_when_asked(bool checkVersions, CheckOutcome expected)
    {
        Op[] history = [Put(1, "a", "x", 5, 0, 1), Get(2, "a", "x", 0, 2, 3)];

        Assert.Equal(expected, LinearizabilityChecker.Check(new KvModel(checkVersions), history).Outcome);
    }

    [Fact]
    public void Without_versions_values_are_still_checked()
    {
        Op[] history = [Put(1, "a", "x", 0, 0, 1), Put(1, "a", "y", 0, 2, 3), Get(2, "a", "x", 0, 4, 5)];

        Assert.Equal(CheckOutcome.Illegal, LinearizabilityChecker.Check(new KvModel(checkVersions: false), history).Outcome);
    }

    [Fact]
    public void Each_key_is_its_own_partition_and_only_the_bad_key_is_illegal()
    {
        Op[] history =
        [
            Put(1, "a", "x", 1, 0, 1), Get(2, "a", "x", 1, 2, 3),
            Put(1, "b", "p", 2, 4, 5), Put(1, "b", "q", 3, 6, 7), Get(2, "b", "p", 2, 8, 9),
            Missing(3, "c", 0, 100),
        ];

        var result = LinearizabilityChecker.Check(new KvModel(), history);

        Assert.Equal(3, result.Partitions.Count);
        Assert.Equal(
            [CheckOutcome.Ok, CheckOutcome.Illegal, CheckOutcome.Ok],
            result.Partitions.Select(p => p.Outcome).ToArray());
        Assert.Equal("key \"b\"", result.IllegalPartition!.Label);
        Assert.Equal([2, 3, 4], result.IllegalPartition.OperationIndices);
    }

    [Fact]
    public void A_linearizable_partition_reports_a_complete_linearization_in_a_legal_order()
    {
        // The get overlaps both puts and sees the second, so it must be linearized after both.
        Op[] history = [Put(1, "a", "x", 1, 0, 10), Put(2, "a", "y", 2, 1, 10), Get(3, "a", "y", 2, 2, 10)];

        var partition = LinearizabilityChecker.Check(new KvModel(), history).Partitions.Single();

        Assert.Equal(CheckOutcome.Ok, partition.Outcome);
        Assert.Equal([0, 1, 2], partition.LongestLinearizablePrefix.Select(s => s.HistoryIndex).ToArray());
        Assert.Equal("\"y\" v2", partition.LongestLinearizablePrefix[^1].StateAfter);
    }
}
