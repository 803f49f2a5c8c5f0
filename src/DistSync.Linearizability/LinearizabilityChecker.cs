using System.Diagnostics;

namespace DistSync.Linearizability;

/// <summary>
/// Checks that a concurrent history is linearizable with respect to a model (Porcupine style).
/// </summary>
/// <example>
/// <code>
/// var result = LinearizabilityChecker.Check(new KvModel(), recorder.ToHistory(), TimeSpan.FromSeconds(30));
/// if (result.Outcome != CheckOutcome.Ok) { result.WriteReport("kv-history.txt"); }
/// Assert.True(result.Outcome == CheckOutcome.Ok, result.Explain());
/// </code>
/// </example>
public static class LinearizabilityChecker
{
    /// <summary>
    /// Checks <paramref name="history"/> part by part (see <see cref="IModel{TState,TInput,TOutput}.Partition"/>).
    /// </summary>
    /// <param name="model">The sequential specification.</param>
    /// <param name="history">The operations, in any order.</param>
    /// <param name="timeout">
    /// Budget for the whole check; when it runs out the undecided parts, and the result, are
    /// <see cref="CheckOutcome.Unknown"/> (unless some part is already <see cref="CheckOutcome.Illegal"/>). Null means no limit.
    /// </param>
    /// <param name="cancellation">Stops the check early with the same effect as a time-out.</param>
    public static CheckResult Check<TState, TInput, TOutput>(
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
        var results = new List<PartitionResult>(parts.Count);
        foreach (var part in parts)
        {
            results.Add(CheckPartition(model, part, deadline));
        }

        return new CheckResult(
            results,
            history.Count,
            Stopwatch.GetElapsedTime(started),
            () => ReportText.Render(model, history));
    }

    /// <summary>Checks an event-style history (see <see cref="History.FromEvents{TInput,TOutput}"/>).</summary>
    public static CheckResult CheckEvents<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        IEnumerable<HistoryEvent<TInput, TOutput>> events,
        TimeSpan? timeout = null,
        CancellationToken cancellation = default) =>
        Check(model, History.FromEvents(events), timeout, cancellation);

    private static PartitionResult CheckPartition<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        HistoryPart<TInput, TOutput> part,
        SearchDeadline deadline)
    {
        var (partIndex, indices, ops) = (part.PartIndex, part.Indices, part.Operations);

        var label = model.DescribePartition(part.Operations);
        var initial = model.Init();
        var outcome = deadline.Expired
            ? new PartitionSearch<TState, TInput, TOutput>.SearchOutcome(CheckOutcome.Unknown, null)
            : new PartitionSearch<TState, TInput, TOutput>(model, ops).Run(deadline);

        return new PartitionResult(
            partIndex,
            label,
            outcome.Outcome,
            indices,
            model.DescribeState(initial),
            () => Prefix(model, ops, indices, outcome.Longest),
            () => outcome.Outcome == CheckOutcome.Illegal ? Blocked(model, ops, indices, outcome.Longest) : []);
    }

    private static IReadOnlyList<LinearizedStep> Prefix<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        Operation<TInput, TOutput>[] ops,
        int[] indices,
        PartitionSearch<TState, TInput, TOutput>.PathNode? longest)
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

    private static IReadOnlyList<BlockedOperation> Blocked<TState, TInput, TOutput>(
        IModel<TState, TInput, TOutput> model,
        Operation<TInput, TOutput>[] ops,
        int[] indices,
        PartitionSearch<TState, TInput, TOutput>.PathNode? longest)
    {
        var done = new bool[ops.Length];
        for (var node = longest; node is not null; node = node.Parent)
        {
            done[node.Id] = true;
        }

        var firstReturn = long.MaxValue;
        for (var i = 0; i < ops.Length; i++)
        {
            if (!done[i] && ops[i].ReturnTime < firstReturn)
            {
                firstReturn = ops[i].ReturnTime;
            }
        }

        // Real time lets an operation come next only if it was called before every remaining one returned. Each such
        // operation is rejected by the model in the prefix's last state: otherwise the search would have gone deeper.
        var blocked = new List<BlockedOperation>();
        for (var i = 0; i < ops.Length; i++)
        {
            if (!done[i] && ops[i].CallTime <= firstReturn)
            {
                blocked.Add(new BlockedOperation(indices[i], model.DescribeOperation(ops[i].Input, ops[i].Output)));
            }
        }

        return blocked;
    }
}
