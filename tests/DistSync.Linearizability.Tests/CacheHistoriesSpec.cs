using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.CacheInput, DistSync.Linearizability.Models.CacheOutput>;

namespace DistSync.Linearizability.Tests;

/// <summary>The write-through contract: cache histories judged by the linearizability checker with <see cref="CacheModel"/>.</summary>
public class CacheHistoriesSpec
{
    private static Op Write(int client, string key, string value, long call, long ret) =>
        Op.Completed(client, CacheInput.Write(key, value), call, CacheOutput.Written, ret);

    private static Op Rejected(int client, string key, string value, long call, long ret) =>
        Op.Completed(client, CacheInput.Write(key, value), call, CacheOutput.Rejected, ret);

    private static Op Read(int client, string key, string value, long call, long ret) =>
        Op.Completed(client, CacheInput.Read(key), call, CacheOutput.Found(value), ret);

    private static Op Missing(int client, string key, long call, long ret) =>
        Op.Completed(client, CacheInput.Read(key), call, CacheOutput.NotFound, ret);

    private static Op Invalidate(int client, string key, long call, long ret) =>
        Op.Completed(client, CacheInput.Invalidate(key), call, CacheOutput.Invalidated, ret);

    private static Op WriteTimedOut(int client, string key, string value, long call) => Op.Unknown(client, CacheInput.Write(key, value), call);

    private static Op InvalidateTimedOut(int client, string key, long call) => Op.Unknown(client, CacheInput.Invalidate(key), call);

    public static TheoryData<string, Op[], CheckOutcome> Histories => new()
    {
        { "read of a key never written", [Missing(1, "a", 0, 1)], CheckOutcome.Ok },
        { "write on one node, read on another", [Write(1, "a", "x", 0, 1), Read(2, "a", "x", 2, 3)], CheckOutcome.Ok },
        { "stale read after a completed write on another process", [Write(1, "a", "x", 0, 1), Write(1, "a", "y", 2, 3), Read(2, "a", "x", 4, 5)], CheckOutcome.Illegal },
        { "not found after a completed write on another process", [Write(1, "a", "x", 0, 1), Missing(2, "a", 2, 3)], CheckOutcome.Illegal },
        { "read of a value never written", [Write(1, "a", "x", 0, 1), Read(2, "a", "z", 2, 3)], CheckOutcome.Illegal },
        { "read after invalidate sees the old value", [Write(1, "a", "x", 0, 1), Invalidate(1, "a", 2, 3), Read(2, "a", "x", 4, 5)], CheckOutcome.Illegal },
        { "read after invalidate finds nothing", [Write(1, "a", "x", 0, 1), Invalidate(2, "a", 2, 3), Missing(3, "a", 4, 5)], CheckOutcome.Ok },
        { "write after invalidate is read", [Write(1, "a", "x", 0, 1), Invalidate(2, "a", 2, 3), Write(1, "a", "y", 4, 5), Read(3, "a", "y", 6, 7)], CheckOutcome.Ok },
        { "invalidate of a key never written", [Invalidate(1, "a", 0, 1), Missing(2, "a", 2, 3)], CheckOutcome.Ok },
        { "read overlapping a write sees the old state", [Write(1, "a", "x", 0, 10), Missing(2, "a", 2, 3)], CheckOutcome.Ok },
        { "read overlapping a write sees the new value", [Write(1, "a", "x", 0, 10), Read(2, "a", "x", 2, 3)], CheckOutcome.Ok },
        {
            "two reads during one write cannot go back to the old state",
            [Write(1, "a", "x", 0, 10), Read(2, "a", "x", 2, 3), Missing(2, "a", 4, 5)],
            CheckOutcome.Illegal
        },
        {
            "concurrent writes on two nodes, both readers see the same winner",
            [Write(1, "a", "x", 0, 10), Write(2, "a", "y", 0, 10), Read(3, "a", "y", 11, 12), Read(4, "a", "y", 11, 12), Read(3, "a", "y", 13, 14)],
            CheckOutcome.Ok
        },
        {
            "concurrent writes on two nodes, readers see different winners afterwards",
            [Write(1, "a", "x", 0, 10), Write(2, "a", "y", 0, 10), Read(3, "a", "x", 11, 12), Read(4, "a", "y", 13, 14)],
            CheckOutcome.Illegal
        },
        { "a rejected write changes nothing", [Write(1, "a", "x", 0, 1), Rejected(2, "a", "y", 2, 3), Read(3, "a", "x", 4, 5)], CheckOutcome.Ok },
        { "the value of a rejected write is read", [Write(1, "a", "x", 0, 1), Rejected(2, "a", "y", 2, 3), Read(3, "a", "y", 4, 5)], CheckOutcome.Illegal },
        { "timed-out write seen later", [WriteTimedOut(1, "a", "x", 0), Read(2, "a", "x", 100, 101)], CheckOutcome.Ok },
        { "timed-out write never seen", [WriteTimedOut(1, "a", "x", 0), Missing(2, "a", 100, 101)], CheckOutcome.Ok },
        { "timed-out write seen, then unseen", [WriteTimedOut(1, "a", "x", 0), Read(2, "a", "x", 10, 11), Missing(2, "a", 12, 13)], CheckOutcome.Illegal },
        { "timed-out write cannot take effect before its call", [Read(2, "a", "x", 0, 1), WriteTimedOut(1, "a", "x", 2)], CheckOutcome.Illegal },
        {
            "timed-out invalidate that took effect",
            [Write(1, "a", "x", 0, 1), InvalidateTimedOut(2, "a", 2), Read(3, "a", "x", 10, 11), Missing(3, "a", 12, 13)],
            CheckOutcome.Ok
        },
        {
            "keys are independent: a stale read on b is caught although a is fine",
            [Write(1, "a", "x", 0, 1), Read(2, "a", "x", 2, 3), Write(1, "b", "p", 4, 5), Write(1, "b", "q", 6, 7), Read(2, "b", "p", 8, 9)],
            CheckOutcome.Illegal
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_cache_model_judges_write_through_histories(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new CacheModel(), history);

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }

    [Fact]
    public void A_stale_read_is_explained_with_its_key_and_the_rejected_read()
    {
        Op[] history = [Write(1, "a", "x", 0, 1), Write(1, "b", "p", 2, 3), Write(3, "b", "q", 4, 5), Read(2, "b", "p", 6, 7)];

        var result = LinearizabilityChecker.Check(new CacheModel(), history);
        var text = result.Explain();

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.Contains("Not linearizable: partition 1 (key \"b\")", text);
        Assert.Contains("ends in state \"q\"", text);
        Assert.Contains("read(b) -> \"p\"  (rejected by the model in that state)", text);
    }

    [Fact]
    public void A_read_after_invalidate_is_explained_with_the_absent_state()
    {
        Op[] history = [Write(1, "a", "x", 0, 1), Invalidate(1, "a", 2, 3), Read(2, "a", "x", 4, 5)];

        var text = LinearizabilityChecker.Check(new CacheModel(), history).Explain();

        Assert.Contains("ends in state absent", text);
        Assert.Contains("read(a) -> \"x\"  (rejected by the model in that state)", text);
    }

    [Theory]
    [InlineData(CacheOperationKind.Read, true, "read(k) -> \"v\"")]
    [InlineData(CacheOperationKind.Read, false, "read(k) -> not found")]
    [InlineData(CacheOperationKind.Write, true, "write(k, \"v\") -> ok")]
    [InlineData(CacheOperationKind.Write, false, "write(k, \"v\") -> rejected (stale fence)")]
    [InlineData(CacheOperationKind.Invalidate, true, "invalidate(k) -> ok")]
    public void Operations_are_described_for_reports(CacheOperationKind kind, bool ok, string expected)
    {
        var input = new CacheInput(kind, "k", kind == CacheOperationKind.Write ? "v" : null);
        var output = new CacheOutput(ok, kind == CacheOperationKind.Read && ok ? "v" : null);

        Assert.Equal(expected, new CacheModel().DescribeOperation(input, Observed<CacheOutput>.Of(output)));
        Assert.Equal($"{input} -> ? (timed out)", new CacheModel().DescribeOperation(input, Observed<CacheOutput>.Unknown));
    }

    [Fact]
    public void Reads_and_refused_writes_are_read_only_and_nothing_else_is()
    {
        IModel<CacheKeyState, CacheInput, CacheOutput> model = new CacheModel();

        Assert.True(model.IsReadOnly(CacheInput.Read("a"), Observed<CacheOutput>.Of(CacheOutput.NotFound)));
        Assert.True(model.IsReadOnly(CacheInput.Read("a"), Observed<CacheOutput>.Unknown));
        Assert.True(model.IsReadOnly(CacheInput.Write("a", "x"), Observed<CacheOutput>.Of(CacheOutput.Rejected)));
        Assert.False(model.IsReadOnly(CacheInput.Write("a", "x"), Observed<CacheOutput>.Of(CacheOutput.Written)));
        Assert.False(model.IsReadOnly(CacheInput.Write("a", "x"), Observed<CacheOutput>.Unknown));
        Assert.False(model.IsReadOnly(CacheInput.Invalidate("a"), Observed<CacheOutput>.Of(CacheOutput.Invalidated)));
    }
}
