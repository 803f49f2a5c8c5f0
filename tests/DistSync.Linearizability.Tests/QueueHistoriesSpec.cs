using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.QueueInput<int>, DistSync.Linearizability.Models.QueueOutput<int>>;

namespace DistSync.Linearizability.Tests;

public class QueueHistoriesSpec
{
    private static Op Enqueue(int client, int value, long call, long ret) =>
        Op.Completed(client, QueueInput<int>.Enqueue(value), call, QueueOutput<int>.Enqueued, ret);

    private static Op Dequeue(int client, int value, long call, long ret) =>
        Op.Completed(client, QueueInput<int>.Dequeue(), call, QueueOutput<int>.Dequeued(value), ret);

    private static Op Empty(int client, long call, long ret) =>
        Op.Completed(client, QueueInput<int>.Dequeue(), call, QueueOutput<int>.Empty, ret);

    public static TheoryData<string, Op[], CheckOutcome> Histories => new()
    {
        { "dequeue of an empty queue", [Empty(1, 0, 1)], CheckOutcome.Ok },
        { "first in, first out", [Enqueue(1, 1, 0, 1), Enqueue(1, 2, 2, 3), Dequeue(2, 1, 4, 5), Dequeue(2, 2, 6, 7)], CheckOutcome.Ok },
        { "out of order", [Enqueue(1, 1, 0, 1), Enqueue(1, 2, 2, 3), Dequeue(2, 2, 4, 5)], CheckOutcome.Illegal },
        { "concurrent enqueues may come out either way", [Enqueue(1, 1, 0, 10), Enqueue(2, 2, 0, 10), Dequeue(3, 2, 11, 12), Dequeue(3, 1, 13, 14)], CheckOutcome.Ok },
        { "one value delivered twice", [Enqueue(1, 1, 0, 1), Dequeue(2, 1, 2, 3), Dequeue(3, 1, 4, 5)], CheckOutcome.Illegal },
        { "empty while a value is queued", [Enqueue(1, 1, 0, 1), Empty(2, 2, 3)], CheckOutcome.Illegal },
        { "a value never enqueued", [Enqueue(1, 1, 0, 1), Dequeue(2, 7, 2, 3)], CheckOutcome.Illegal },
        {
            "timed-out enqueue delivered later",
            [Op.Unknown(1, QueueInput<int>.Enqueue(5), 0), Dequeue(2, 5, 10, 11)],
            CheckOutcome.Ok
        },
        {
            "timed-out dequeue that took the head",
            [Enqueue(1, 1, 0, 1), Enqueue(1, 2, 2, 3), Op.Unknown(2, QueueInput<int>.Dequeue(), 4), Dequeue(3, 2, 10, 11)],
            CheckOutcome.Ok
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void The_queue_model_judges_fifo_histories(string name, Op[] history, CheckOutcome expected)
    {
        var result = LinearizabilityChecker.Check(new QueueModel<int>(), history);

        Assert.True(expected == result.Outcome, $"{name}: expected {expected}, got {result.Explain()}");
    }
}
