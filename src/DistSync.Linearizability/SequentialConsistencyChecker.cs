using System.Diagnostics;

namespace DistSync.Linearizability;

/// <summary>
/// Checks that a history is sequentially consistent with respect to a model, part by part (per key for a model
/// partitioned by key): for each part, some total order of its operations keeps every client's program order and
/// is accepted by the model step by step. Unlike linearizability, real time between clients is ignored, so a
/// client may read an old value after another client's write has returned, as long as no client's own sequence
/// contradicts it. It takes the same histories and models as <see cref="LinearizabilityChecker"/>.
/// </summary>
/// <remarks>
/// <para>A client is one sequential process: its operations are ordered by real time among themselves (one
/// precedes another when it returns before the other is called). A call that timed out precedes none of its
/// client's later calls: it may take effect after them, or never. Give concurrent callers distinct client ids.</para>
/// <para>The search is exponential in the worst case. Models that mark reads with
/// <see cref="IModel{TState,TInput,TOutput}.IsReadOnly"/> make it branch only on writes, and models that implement
/// <see cref="IReadWriteModel{TState,TInput,TOutput}"/> (as <see cref="Models.CacheModel"/> does) let it drop a
/// branch as soon as a read is stranded, which is what refutes large histories quickly. A budget turns a search
/// that runs too long into <see cref="CheckOutcome.Unknown"/>.</para>
/// </remarks>
/// <example>
/// <code>
/// var history = recorder.ToHistory();
/// var sc = SequentialConsistencyChecker.Check(new CacheModel(), history, TimeSpan.FromSeconds(30));
/// if (sc.Outcome != CheckOutcome.Ok) { sc.WriteReport("cache-history-sc.txt"); }
/// Assert.True(sc.Outcome == CheckOutcome.Ok, sc.Explain());
/// </code>
/// </example>
public static class SequentialConsistencyChecker
{
    /// <summary>
    /// Checks <paramref name="history"/> part by part (see <see cref="IModel{TState,TInput,TOutput}.Partition"/>).
    /// </summary>
    /// <param name="model">The sequential specification.</param>
    /// <param name="history">The operations, in any order; <see cref="Operation{TInput,TOutput}.ClientId"/> names the process.</param>
    /// <param name="timeout">
    /// Budget for the whole check; when it runs out the undecided parts, and the result, are
    /// <see cref="CheckOutcome.Unknown"/> (unless some part is already <see cref="CheckOutcome.Illegal"/>). Null means no limit.
    /// </param>
    /// <param name="cancellation">Stops the check early with the same effect as a time-out.</param>
    public static SequentialConsistencyResult Check<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        IReadOnlyList<Operation<TInput, TOutput>> history,
        TimeSpan? timeout = null,
        CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(history);
        var started = Stopwatch.GetTimestamp();
        var deadline = new SearchDeadline(timeout, cancellation);

        var parts = HistoryParts.Split(model, history);
        var results = new List<SequentialConsistencyPartitionResult>(parts.Count);
        foreach (var part in parts)
        {
            results.Add(CheckPartition(model, part, deadline));
        }

        return new SequentialConsistencyResult(
            results,
            history.Count,
            Stopwatch.GetElapsedTime(started),
            () => ReportText.Render(model, history));
    }

    /// <summary>Checks an event-style history (see <see cref="History.FromEvents{TInput,TOutput}"/>).</summary>
    public static SequentialConsistencyResult CheckEvents<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        IEnumerable<HistoryEvent<TInput, TOutput>> events,
        TimeSpan? timeout = null,
        CancellationToken cancellation = default) =>
        Check(model, History.FromEvents(events), timeout, cancellation);

    private static SequentialConsistencyPartitionResult CheckPartition<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        HistoryPart<TInput, TOutput> part,
        SearchDeadline deadline)
    {
        var (partIndex, indices, ops) = (part.PartIndex, part.Indices, part.Operations);

        var search = new SequentialSearch<TState, TInput, TOutput>(model, ops);
        var outcome = deadline.Expired
            ? new SequentialSearch<TState, TInput, TOutput>.SearchOutcome(CheckOutcome.Unknown, null)
            : search.Run(deadline);
        var diagnosis = new Lazy<(IReadOnlyList<int> Blocked, IReadOnlyList<int> Stranded)>(() =>
            outcome.Outcome == CheckOutcome.Illegal ? search.Diagnose(outcome.Longest) : ([], []));

        return new SequentialConsistencyPartitionResult(
            partIndex,
            model.DescribePartition(part.Operations),
            outcome.Outcome,
            indices,
            search.ClientCount,
            model.DescribeState(model.Init()),
            () => Order(model, ops, indices, outcome.Longest),
            () => Described(model, ops, indices, diagnosis.Value.Blocked),
            () => Described(model, ops, indices, diagnosis.Value.Stranded));
    }

    private static IReadOnlyList<BlockedOperation> Described<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model, Operation<TInput, TOutput>[] ops, int[] indices, IReadOnlyList<int> ids) =>
        ids.Select(id => new BlockedOperation(indices[id], model.DescribeOperation(ops[id].Input, ops[id].Output))).ToList();

    private static IReadOnlyList<LinearizedStep> Order<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        Operation<TInput, TOutput>[] ops,
        int[] indices,
        SequentialSearch<TState, TInput, TOutput>.PathNode? longest)
    {
        var steps = new LinearizedStep[longest?.Depth ?? 0];
        for (var node = longest; node is not null; node = node.Parent)
        {
            var op = ops[node.Id];
            steps[node.Depth - 1] = new LinearizedStep(
                indices[node.Id], model.DescribeOperation(op.Input, op.Output), model.DescribeState(node.StateAfter));
        }

        return steps;
    }
}
