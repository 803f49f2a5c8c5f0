using DistSync.Linearizability.Models;
using Op = DistSync.Linearizability.Operation<DistSync.Linearizability.Models.CacheInput, DistSync.Linearizability.Models.CacheOutput>;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// The write-back contract: per-key sequential consistency. Each history below is judged by both checkers, so the
/// table also shows where the two contracts differ (real time between clients counts only for linearizability).
/// </summary>
public class SequentialConsistencySpec
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

    /// <summary>Name, history, expected sequential-consistency verdict, expected linearizability verdict.</summary>
    public static TheoryData<string, Op[], CheckOutcome, CheckOutcome> Histories => new()
    {
        { "empty history", [], CheckOutcome.Ok, CheckOutcome.Ok },
        { "write then read by another client", [Write(1, "a", "x", 0, 1), Read(2, "a", "x", 2, 3)], CheckOutcome.Ok, CheckOutcome.Ok },

        // Sequentially consistent, not linearizable: real time between clients is what linearizability adds.
        {
            "another client reads not-found after the write returned",
            [Write(1, "a", "x", 0, 1), Missing(2, "a", 2, 3)],
            CheckOutcome.Ok, CheckOutcome.Illegal
        },
        {
            "another client reads the old value after the second write returned, then catches up",
            [Write(1, "a", "x", 0, 1), Write(1, "a", "y", 2, 3), Read(2, "a", "x", 4, 5), Read(2, "a", "y", 6, 7)],
            CheckOutcome.Ok, CheckOutcome.Illegal
        },
        {
            "another client reads the old value after an invalidate returned",
            [Write(1, "a", "x", 0, 1), Invalidate(1, "a", 2, 3), Read(2, "a", "x", 4, 5)],
            CheckOutcome.Ok, CheckOutcome.Illegal
        },
        {
            "a read returns before the write it sees is called",
            [Read(2, "a", "x", 0, 1), Write(1, "a", "x", 2, 3)],
            CheckOutcome.Ok, CheckOutcome.Illegal
        },
        {
            "two readers see two writes of different clients in the same order, late",
            [Write(1, "a", "x", 0, 1), Write(2, "a", "y", 2, 3), Read(3, "a", "x", 4, 5), Read(3, "a", "y", 6, 7), Read(4, "a", "x", 8, 9), Read(4, "a", "y", 10, 11)],
            CheckOutcome.Ok, CheckOutcome.Illegal
        },

        // Not sequentially consistent (so not linearizable either).
        {
            "a client reads the new value, then the old one",
            [Write(1, "a", "x", 0, 1), Write(1, "a", "y", 2, 3), Read(2, "a", "y", 4, 5), Read(2, "a", "x", 6, 7)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
        {
            "two clients observe two writes in opposite orders",
            [Write(1, "a", "x", 0, 10), Write(2, "a", "y", 0, 10), Read(3, "a", "x", 11, 12), Read(3, "a", "y", 13, 14), Read(4, "a", "y", 11, 12), Read(4, "a", "x", 13, 14)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
        { "a read of a value never written", [Write(1, "a", "x", 0, 1), Read(2, "a", "z", 2, 3)], CheckOutcome.Illegal, CheckOutcome.Illegal },
        { "a client does not see its own write", [Write(1, "a", "x", 0, 1), Missing(1, "a", 2, 3)], CheckOutcome.Illegal, CheckOutcome.Illegal },
        {
            "a client sees the old value after its own invalidate",
            [Write(1, "a", "x", 0, 1), Invalidate(1, "a", 2, 3), Read(1, "a", "x", 4, 5)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
        {
            "a client sees the value, then not-found with nothing invalidating it",
            [Write(1, "a", "x", 0, 1), Read(2, "a", "x", 2, 3), Missing(2, "a", 4, 5)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
        {
            "a client sees an invalidate, then the value it removed again",
            [Write(1, "a", "x", 0, 1), Invalidate(1, "a", 2, 3), Read(2, "a", "x", 4, 5), Missing(2, "a", 6, 7), Read(2, "a", "x", 8, 9)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
        {
            "a writer's later write is seen before its earlier one",
            [Write(1, "a", "x", 0, 1), Write(1, "a", "y", 2, 3), Read(2, "a", "y", 0, 10), Read(2, "a", "x", 11, 12), Missing(3, "a", 0, 1)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },

        // Refused and timed-out writes.
        { "a refused write is never seen", [Rejected(1, "a", "x", 0, 1), Read(2, "a", "x", 2, 3)], CheckOutcome.Illegal, CheckOutcome.Illegal },
        { "a refused write leaves the old value", [Write(1, "a", "x", 0, 1), Rejected(1, "a", "y", 2, 3), Read(1, "a", "x", 4, 5)], CheckOutcome.Ok, CheckOutcome.Ok },
        {
            "a timed-out write may land after its client's later calls",
            [WriteTimedOut(1, "a", "x", 0), Missing(1, "a", 10, 11), Read(2, "a", "x", 12, 13)],
            CheckOutcome.Ok, CheckOutcome.Ok
        },
        {
            "a timed-out write that lands after the client's own later write",
            [WriteTimedOut(1, "a", "x", 0), Write(1, "a", "y", 10, 11), Read(2, "a", "y", 12, 13), Read(2, "a", "x", 14, 15)],
            CheckOutcome.Ok, CheckOutcome.Ok
        },
        { "a timed-out write never seen", [WriteTimedOut(1, "a", "x", 0), Missing(2, "a", 10, 11)], CheckOutcome.Ok, CheckOutcome.Ok },
        {
            "a timed-out write seen, then unseen",
            [WriteTimedOut(1, "a", "x", 0), Read(2, "a", "x", 10, 11), Missing(2, "a", 12, 13)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
        {
            "a timed-out write cannot land before the client's earlier calls",
            [Write(1, "a", "x", 0, 1), WriteTimedOut(1, "a", "y", 2), Read(2, "a", "y", 3, 4), Read(2, "a", "x", 5, 6)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },

        // Keys are judged independently: SC per key does not order operations on different keys.
        {
            "each key is consistent, though no single order fits both keys",
            [Write(1, "a", "x", 0, 1), Missing(1, "b", 2, 3), Write(2, "b", "y", 0, 1), Missing(2, "a", 2, 3)],
            CheckOutcome.Ok, CheckOutcome.Illegal
        },
        {
            "one bad key makes the history illegal",
            [Write(1, "a", "x", 0, 1), Read(2, "a", "x", 2, 3), Write(1, "b", "p", 4, 5), Write(1, "b", "q", 6, 7), Read(2, "b", "q", 8, 9), Read(2, "b", "p", 10, 11)],
            CheckOutcome.Illegal, CheckOutcome.Illegal
        },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void Both_checkers_judge_cache_histories(string name, Op[] history, CheckOutcome sequentiallyConsistent, CheckOutcome linearizable)
    {
        var sc = SequentialConsistencyChecker.Check(new CacheModel(), history);
        var lin = LinearizabilityChecker.Check(new CacheModel(), history);

        Assert.True(sequentiallyConsistent == sc.Outcome, $"{name}: expected {sequentiallyConsistent} for sequential consistency, got {sc.Explain()}");
        Assert.True(linearizable == lin.Outcome, $"{name}: expected {linearizable} for linearizability, got {lin.Explain()}");
    }

    [Fact]
    public void A_violation_names_the_key_and_the_rejected_read()
    {
        Op[] history =
        [
            Write(1, "a", "x", 0, 1),
            Write(1, "b", "p", 2, 3), Write(1, "b", "q", 4, 5),
            Read(2, "b", "q", 6, 7), Read(2, "b", "p", 8, 9),
        ];

        var result = SequentialConsistencyChecker.Check(new CacheModel(), history);
        var text = result.Explain();

        Assert.Equal(CheckOutcome.Illegal, result.Outcome);
        Assert.Equal([CheckOutcome.Ok, CheckOutcome.Illegal], result.Partitions.Select(p => p.Outcome).ToArray());
        Assert.Contains("Not sequentially consistent: partition 1 (key \"b\") (4 operations of 2 client(s))", text);
        // Once "q" overwrote "p", client 2's read of "p" can never be accepted: no write of "p" is left.
        Assert.Contains("The longest legal order found has 2 operation(s) and ends in state \"q\"", text);
        Assert.Contains("read(b) -> \"p\"  (stranded)", text);
        var partition = result.IllegalPartition!;
        Assert.Equal([1, 2], partition.LongestOrder.Select(s => s.HistoryIndex).ToArray());
        Assert.Equal([new BlockedOperation(4, "read(b) -> \"p\"")], partition.StrandedOperations);
        Assert.Empty(partition.BlockedOperations);
    }

    [Fact]
    public void Without_stranded_reads_a_violation_names_the_operations_the_model_rejects()
    {
        Op[] history =
        [
            Write(1, "a", "x", 0, 1),
            Write(1, "b", "p", 2, 3), Write(1, "b", "q", 4, 5),
            Read(2, "b", "q", 6, 7), Read(2, "b", "p", 8, 9),
        ];

        var result = SequentialConsistencyChecker.Check(new CacheModelWithoutHints(), history);
        var text = result.Explain();

        Assert.Contains("Not sequentially consistent: partition 1 (key \"b\") (4 operations of 2 client(s))", text);
        Assert.Contains("The longest legal order found has 3 operation(s) and ends in state \"q\"", text);
        Assert.Contains("read(b) -> \"p\"  (rejected by the model in that state)", text);
        var partition = result.IllegalPartition!;
        Assert.Equal([1, 2, 3], partition.LongestOrder.Select(s => s.HistoryIndex).ToArray());
        Assert.Equal([new BlockedOperation(4, "read(b) -> \"p\"")], partition.BlockedOperations);
        Assert.Empty(partition.StrandedOperations);
    }

    [Fact]
    public void A_read_of_a_value_never_written_is_stranded_from_the_start()
    {
        Op[] history = [Write(1, "a", "x", 0, 1), Read(2, "a", "z", 2, 3)];

        var partition = SequentialConsistencyChecker.Check(new CacheModel(), history).IllegalPartition!;

        Assert.Empty(partition.LongestOrder);
        Assert.Equal([new BlockedOperation(1, "read(a) -> \"z\"")], partition.StrandedOperations);
    }

    [Fact]
    public void A_consistent_partition_reports_a_complete_order_that_keeps_program_order()
    {
        // Client 2 reads "x" after client 1's second write returned: the order puts that read between the writes.
        Op[] history = [Write(1, "a", "x", 0, 1), Write(1, "a", "y", 2, 3), Read(2, "a", "x", 4, 5), Read(2, "a", "y", 6, 7)];

        var partition = SequentialConsistencyChecker.Check(new CacheModel(), history).Partitions.Single();

        Assert.Equal(CheckOutcome.Ok, partition.Outcome);
        Assert.Equal(2, partition.ClientCount);
        Assert.Equal([0, 2, 1, 3], partition.LongestOrder.Select(s => s.HistoryIndex).ToArray());
        Assert.Equal(["\"x\"", "\"x\"", "\"y\"", "\"y\""], partition.LongestOrder.Select(s => s.StateAfter).ToArray());
        Assert.Empty(partition.BlockedOperations);
    }

    [Fact]
    public void The_report_lists_each_clients_program_order_and_the_longest_order()
    {
        Op[] history = [Write(1, "a", "x", 0, 1), Write(1, "a", "y", 2, 3), Read(2, "a", "y", 4, 5), Read(2, "a", "x", 6, 7)];

        var report = SequentialConsistencyChecker.Check(new CacheModel(), history).Report();

        Assert.StartsWith("Sequential consistency check: Illegal", report);
        Assert.Contains("== partition 0 (key \"a\"): Illegal, 4 operations of 2 client(s) ==", report);
        Assert.Contains("Longest legal order found (2 of 4 operations):", report);
        Assert.Contains("Reads stranded after the order above (they need another state, and no operation left sets it):", report);
        Assert.Matches(@"S2\s+#1\s+client 1\s+\[2, 3\]\s+write\(a, ""y""\) -> ok", report);
        Assert.Matches(@"--\s+#3\s+client 2\s+\[6, 7\]\s+read\(a\) -> ""x""", report);
        Assert.Contains("== Whole history, client by client ==", report);
    }

    [Fact]
    public void One_recorded_history_is_checked_both_ways()
    {
        long now = 0;
        var recorder = new HistoryRecorder<CacheInput, CacheOutput>(() => now++);

        // Node 1 writes; node 2 still serves the old (absent) line from its cache, then sees the write.
        var write = recorder.Call(1, CacheInput.Write("k", "v1"));
        recorder.Return(write, CacheOutput.Written);
        var stale = recorder.Call(2, CacheInput.Read("k"));
        recorder.Return(stale, CacheOutput.NotFound);
        var fresh = recorder.Call(2, CacheInput.Read("k"));
        recorder.Return(fresh, CacheOutput.Found("v1"));
        recorder.TimedOut(recorder.Call(3, CacheInput.Invalidate("k")));
        var history = recorder.ToHistory();

        Assert.Equal(CheckOutcome.Illegal, LinearizabilityChecker.Check(new CacheModel(), history).Outcome);
        Assert.Equal(CheckOutcome.Ok, SequentialConsistencyChecker.Check(new CacheModel(), history).Outcome);
    }

    [Fact]
    public void Event_histories_are_checked_with_event_positions_as_times()
    {
        HistoryEvent<CacheInput, CacheOutput>[] events =
        [
            HistoryEvent<CacheInput, CacheOutput>.Call(1, 0, CacheInput.Write("k", "v1")),
            HistoryEvent<CacheInput, CacheOutput>.Return(1, 0, CacheOutput.Written),
            HistoryEvent<CacheInput, CacheOutput>.Call(2, 1, CacheInput.Read("k")),
            HistoryEvent<CacheInput, CacheOutput>.Return(2, 1, CacheOutput.Found("v1")),
            HistoryEvent<CacheInput, CacheOutput>.Call(2, 2, CacheInput.Read("k")),
            HistoryEvent<CacheInput, CacheOutput>.Return(2, 2, CacheOutput.NotFound),
        ];

        Assert.Equal(CheckOutcome.Illegal, SequentialConsistencyChecker.CheckEvents(new CacheModel(), events).Outcome);
    }

    [Fact]
    public void A_client_with_overlapping_calls_has_no_order_between_them()
    {
        // Client 2 issues two reads at once (say, from two threads): they may take effect in either order.
        Op[] history = [Write(1, "a", "x", 0, 1), Read(2, "a", "x", 10, 20), Missing(2, "a", 11, 21)];

        Assert.Equal(CheckOutcome.Ok, SequentialConsistencyChecker.Check(new CacheModel(), history).Outcome);
    }

    [Fact]
    public void Models_without_the_hints_get_the_same_verdicts()
    {
        var model = new CacheModel();
        foreach (var row in Histories)
        {
            var history = (Op[])row[1];
            var expected = SequentialConsistencyChecker.Check(model, history).Outcome;

            Assert.Equal(expected, SequentialConsistencyChecker.Check(new CacheModelWithoutReadOnlyHint(), history).Outcome);
            Assert.Equal(expected, SequentialConsistencyChecker.Check(new CacheModelWithoutHints(), history).Outcome);
        }
    }

    [Fact]
    public void A_search_that_runs_out_of_time_is_unknown()
    {
        // Forty concurrent writers, then a read of a value nobody wrote. Without the stranded-read shortcut, proving
        // that illegal means trying every subset of the writes.
        var history = Enumerable.Range(1, 40).Select(i => Write(i, "a", "v" + i, 0, 100)).Append(Read(0, "a", "never", 101, 102)).ToArray();

        var result = SequentialConsistencyChecker.Check(new CacheModelWithoutHints(), history, TimeSpan.FromMilliseconds(200));

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        Assert.Equal(CheckOutcome.Unknown, result.Partitions.Single().Outcome);
        Assert.StartsWith("Undecided:", result.Explain());
        Assert.Equal(CheckOutcome.Illegal, SequentialConsistencyChecker.Check(new CacheModel(), history).Outcome);
    }

    [Fact]
    public void A_zero_budget_leaves_every_partition_undecided()
    {
        Op[] history = [Write(1, "a", "x", 0, 1), Write(1, "b", "y", 0, 1)];

        var result = SequentialConsistencyChecker.Check(new CacheModel(), history, TimeSpan.Zero);

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        Assert.All(result.Partitions, p => Assert.Equal(CheckOutcome.Unknown, p.Outcome));
        Assert.All(result.Partitions, p => Assert.Empty(p.LongestOrder));
    }

    [Fact]
    public void Cancelling_during_the_search_makes_it_unknown()
    {
        using var cancellation = new CancellationTokenSource();
        var history = SimulatedHistories.Cache(seed: 7, clients: 4, keys: 1, operations: 2000, timeoutRate: 0, maxLag: 20);
        var model = new CancellingCacheModel(cancellation, afterSteps: 300);

        var result = SequentialConsistencyChecker.Check(model, history, cancellation: cancellation.Token);

        Assert.Equal(CheckOutcome.Unknown, result.Outcome);
        Assert.InRange(result.Partitions.Single().LongestOrder.Count, 1, 1999);
        Assert.True(SequentialConsistencyChecker.Check(new CacheModel(), history).IsOk);
    }

    [Fact]
    public void A_negative_timeout_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(
            () => SequentialConsistencyChecker.Check(new CacheModel(), Array.Empty<Op>(), TimeSpan.FromSeconds(-5)));
    }

    [Fact]
    public void The_register_model_works_too()
    {
        var w = RegisterInput<int>.Write(1);
        Operation<RegisterInput<int>, RegisterOutput<int>>[] history =
        [
            Operation.Completed(1, w, 0, RegisterOutput<int>.Written, 1),
            Operation.Completed(2, RegisterInput<int>.Read(), 2, RegisterOutput<int>.ReadValue(0), 3),
        ];

        Assert.Equal(CheckOutcome.Ok, SequentialConsistencyChecker.Check(new RegisterModel<int>(), history).Outcome);
        Assert.Equal(CheckOutcome.Illegal, LinearizabilityChecker.Check(new RegisterModel<int>(), history).Outcome);
    }

    /// <summary>The cache model cancelling the check from inside its N-th step, so the stop lands mid-search.</summary>
    private sealed class CancellingCacheModel(CancellationTokenSource cancellation, int afterSteps) : IModel<CacheKeyState, CacheInput, CacheOutput>
    {
        private readonly CacheModel _cache = new();
        private int _steps;

        public CacheKeyState Init() => _cache.Init();

        public (bool Ok, CacheKeyState Next) Step(CacheKeyState state, CacheInput input, Observed<CacheOutput> output)
        {
            if (++_steps == afterSteps)
            {
                cancellation.Cancel();
            }

            return _cache.Step(state, input, output);
        }
    }
}
