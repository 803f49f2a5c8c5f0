using DistSync.Linearizability.Models;
using In = DistSync.Linearizability.Models.RegisterInput<int>;
using Out = DistSync.Linearizability.Models.RegisterOutput<int>;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.RegisterInput<int>, DistSync.Linearizability.Models.RegisterOutput<int>>;

namespace DistSync.Linearizability.Tests;

public class RegisterHistoriesSpec
{
    private static Op Write(int client, int value, long call, long ret) => Op.Completed(client, In.Write(value), call, Out.Written, ret);

    private static Op Read(int client, int value, long call, long ret) => Op.Completed(client, In.Read(), call, Out.ReadValue(value), ret);

    private static Op Cas(int client, int expected, int value, bool swapped, long call, long ret) =>
        Op.Completed(client, In.CompareAndSet(expected, value), call, Out.CompareAndSetResult(swapped), ret);

    private static Op WriteTimedOut(int client, int value, long call) => Op.Unknown(client, In.Write(value), call);

    public static TheoryData<string, Op[], CheckOutcome> Histories => new()
    {
        { "empty history", [], CheckOutcome.Ok },
        { "read of the initial value", [Read(1, 0, 0, 1)], CheckOutcome.Ok },
        { "read of a value never written", [Write(1, 1, 0, 1), Read(2, 7, 2, 3)], CheckOutcome.Illegal },
        { "sequential write then read", [Write(1, 1, 0, 1), Read(2, 1, 2, 3)], CheckOutcome.Ok },
        { "stale read after a completed write", [Write(1, 1, 0, 1), Write(1, 2, 2, 3), Read(2, 1, 4, 5)], CheckOutcome.Illegal },
        {
            "concurrent writes, then a read of the loser is stale",
            [Write(1, 1, 0, 10), Write(2, 2, 0, 10), Read(3, 1, 11, 12), Read(3, 2, 13, 14)],
            CheckOutcome.Illegal
        },
        {
            "concurrent writes, then reads of the winner",
            [Write(1, 1, 0, 10), Write(2, 2, 0, 10), Read(3, 1, 11, 12), Read(3, 1, 13, 14)],
            CheckOutcome.Ok
        },
        { "read overlapping a write sees the old value", [Write(1, 1, 0, 10), Read(2, 0, 5, 6)], CheckOutcome.Ok },
        { "read overlapping a write sees the new value", [Write(1, 1, 0, 10), Read(2, 1, 5, 6)], CheckOutcome.Ok },
        {
            "two reads during one write cannot go back to the old value",
            [Write(1, 1, 0, 10), Read(2, 1, 1, 2), Read(2, 0, 3, 4)],
            CheckOutcome.Illegal
        },
        { "timed-out write seen later", [WriteTimedOut(1, 5, 0), Read(2, 5, 100, 101)], CheckOutcome.Ok },
        { "timed-out write never seen", [WriteTimedOut(1, 5, 0), Read(2, 0, 100, 101)], CheckOutcome.Ok },
        {
            "timed-out write cannot take effect before its call",
            [Read(2, 5, 0, 1), WriteTimedOut(1, 5, 2)],
            CheckOutcome.Illegal
        },
        {
            "timed-out write seen, then unseen",
            [WriteTimedOut(1, 5, 0), Read(2, 5, 10, 11), Read(2, 0, 12, 13)],
            CheckOutcome.Illegal
        },
        { "successful compare-and-set", [Cas(1, 0, 3, true, 0, 1), Read(2, 3, 2, 3)], CheckOutcome.Ok },
        { "compare-and-set that should have failed", [Write(1, 1, 0, 1), Cas(2, 0, 3, true, 2, 3)], CheckOutcome.Illegal },
        { "compare-and-set that should have swapped", [Cas(2, 0, 3, false, 0, 1)], CheckOutcome.Illegal },
        {
            "two concurrent compare-and-sets cannot both win",
            [Cas(1, 0, 1, true, 0, 10), Cas(2, 0, 2, true, 0, 10)],
            CheckOutcome.Illegal
        },
        {
            "touching intervals count as concurrent",
            [Write(1, 1, 0, 5), Read(2, 0, 5, 6)],
            CheckOutcome.Ok
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_checker_judges_register_histories(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new RegisterModel<int>(), history);

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }
}
