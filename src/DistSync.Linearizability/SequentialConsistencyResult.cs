using System.Globalization;
using System.Text;

namespace DistSync.Linearizability;

/// <summary>
/// The verdict of <see cref="SequentialConsistencyChecker"/>: the overall outcome, one result per part, and
/// readable explanations (<see cref="Explain"/> for an assertion message, <see cref="WriteReport"/> for a file to read).
/// </summary>
public sealed class SequentialConsistencyResult : CheckVerdict<SequentialConsistencyPartitionResult>
{
    private const int MaxStepsInExplanation = 5;

    internal SequentialConsistencyResult(
        IReadOnlyList<SequentialConsistencyPartitionResult> partitions,
        int operationCount,
        TimeSpan elapsed,
        Func<IReadOnlyList<ReportedOperation>> operations)
        : base(partitions, operationCount, elapsed, operations)
    {
    }

    /// <summary>A few lines saying what the verdict is and, when illegal, where it goes wrong.</summary>
    public string Explain()
    {
        var sb = new StringBuilder();
        switch (Outcome)
        {
            case CheckOutcome.Ok:
                sb.Append(CultureInfo.InvariantCulture,
                    $"Sequentially consistent: {OperationCount} operations in {Partitions.Count} partition(s), checked in {Elapsed.TotalMilliseconds:F0} ms.");
                break;
            case CheckOutcome.Unknown:
                var undecided = Partitions.Where(p => p.Outcome == CheckOutcome.Unknown).ToList();
                sb.Append(CultureInfo.InvariantCulture,
                    $"Undecided: the sequential-consistency checker stopped after {Elapsed.TotalMilliseconds:F0} ms with {undecided.Count} of {Partitions.Count} partition(s) not decided ");
                sb.Append('(').Append(string.Join(", ", undecided.Take(10).Select(Name))).Append(undecided.Count > 10 ? ", …)." : ").");
                break;
            default:
                var p = IllegalPartition!;
                var ops = Operations;
                sb.Append(CultureInfo.InvariantCulture,
                    $"Not sequentially consistent: {Name(p)} ({p.OperationIndices.Count} operations of {p.ClientCount} client(s)) has no order that keeps every client's program order and that the model accepts.");
                sb.AppendLine();
                var order = p.LongestOrder;
                sb.Append(CultureInfo.InvariantCulture,
                    $"The longest legal order found has {order.Count} operation(s) and ends in state {(order.Count == 0 ? p.InitialState : order[^1].StateAfter)}");
                if (order.Count == 0)
                {
                    sb.Append('.');
                }
                else
                {
                    sb.Append(CultureInfo.InvariantCulture, $"; its last {Math.Min(order.Count, MaxStepsInExplanation)}:");
                    foreach (var step in order.Skip(Math.Max(0, order.Count - MaxStepsInExplanation)))
                    {
                        sb.AppendLine();
                        sb.Append("  ").Append(Line(ops[step.HistoryIndex])).Append("  => ").Append(step.StateAfter);
                    }
                }

                if (p.BlockedOperations.Count > 0)
                {
                    sb.AppendLine();
                    sb.Append("The model rejects every operation that could come next (each client's next one):");
                    foreach (var b in p.BlockedOperations)
                    {
                        sb.AppendLine();
                        sb.Append("  ").Append(Line(ops[b.HistoryIndex])).Append("  (rejected by the model in that state)");
                    }
                }

                if (p.StrandedOperations.Count > 0)
                {
                    sb.AppendLine();
                    sb.Append("After it these reads can never be accepted: each needs a state other than that one, and no operation left sets it:");
                    foreach (var b in p.StrandedOperations.Take(MaxStepsInExplanation))
                    {
                        sb.AppendLine();
                        sb.Append("  ").Append(Line(ops[b.HistoryIndex])).Append("  (stranded)");
                    }

                    if (p.StrandedOperations.Count > MaxStepsInExplanation)
                    {
                        sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  … and {p.StrandedOperations.Count - MaxStepsInExplanation} more");
                    }
                }

                break;
        }

        return sb.ToString();
    }

    /// <summary>
    /// The full readable dump: the explanation; for every part that is not Ok its longest legal order (with the
    /// state after each step), the blocked operations and each client's operations in program order; then the
    /// whole history client by client.
    /// </summary>
    public string Report()
    {
        var sb = new StringBuilder();
        var ops = Operations;
        sb.Append(CultureInfo.InvariantCulture, $"Sequential consistency check: {Outcome}").AppendLine();
        sb.AppendLine(Explain());
        sb.AppendLine();
        sb.AppendLine("Only each client's own order counts, not real time between clients. Times are as recorded; '∞' marks a call");
        sb.AppendLine("that timed out (output '?'), which precedes nothing: it may take effect after its client's later calls, or never.");

        foreach (var p in Partitions.Where(p => p.Outcome != CheckOutcome.Ok))
        {
            sb.AppendLine();
            sb.Append(CultureInfo.InvariantCulture,
                $"== {Name(p)}: {p.Outcome}, {p.OperationIndices.Count} operations of {p.ClientCount} client(s) ==").AppendLine();
            sb.Append("Initial state: ").AppendLine(p.InitialState);
            var order = p.LongestOrder;
            sb.Append(CultureInfo.InvariantCulture,
                $"Longest legal order found ({order.Count} of {p.OperationIndices.Count} operations):").AppendLine();
            var position = new Dictionary<int, int>();
            for (var i = 0; i < order.Count; i++)
            {
                position[order[i].HistoryIndex] = i + 1;
                sb.Append(CultureInfo.InvariantCulture, $"  {i + 1,5}. {Line(ops[order[i].HistoryIndex])}").AppendLine();
                sb.Append("         state: ").AppendLine(order[i].StateAfter);
            }

            if (p.BlockedOperations.Count > 0)
            {
                sb.AppendLine("Operations that could come next, each rejected by the model in the last state above:");
                foreach (var b in p.BlockedOperations)
                {
                    sb.Append("  ").AppendLine(Line(ops[b.HistoryIndex]));
                }
            }

            if (p.StrandedOperations.Count > 0)
            {
                sb.AppendLine("Reads stranded after the order above (they need another state, and no operation left sets it):");
                foreach (var b in p.StrandedOperations)
                {
                    sb.Append("  ").AppendLine(Line(ops[b.HistoryIndex]));
                }
            }

            sb.AppendLine("Each client's operations in program order (S<n>: position in the order above, '--': not in it):");
            foreach (var index in ByClient(p.OperationIndices.Select(i => ops[i])).Select(o => o.HistoryIndex))
            {
                var mark = position.TryGetValue(index, out var at) ? "S" + at.ToString(CultureInfo.InvariantCulture) : "--";
                sb.Append(CultureInfo.InvariantCulture, $"  {mark,7} {Line(ops[index])}").AppendLine();
            }
        }

        sb.AppendLine();
        sb.AppendLine("== Whole history, client by client ==");
        var partsOf = new Dictionary<int, List<int>>();
        foreach (var p in Partitions)
        {
            foreach (var index in p.OperationIndices)
            {
                if (!partsOf.TryGetValue(index, out var list))
                {
                    partsOf[index] = list = new List<int>(1);
                }

                list.Add(p.Index);
            }
        }

        foreach (var op in ByClient(ops))
        {
            var where = partsOf.TryGetValue(op.HistoryIndex, out var list) ? "p" + string.Join(",p", list) : "p-";
            sb.Append(CultureInfo.InvariantCulture, $"  {where,-6} {Line(op)}").AppendLine();
        }

        return sb.ToString();
    }

    /// <summary>Writes <see cref="Report"/> to <paramref name="path"/>, creating its directory if needed.</summary>
    public void WriteReport(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, Report(), Encoding.UTF8);
    }

    public override string ToString() => Explain();

    private static IEnumerable<ReportedOperation> ByClient(IEnumerable<ReportedOperation> ops) =>
        ops.OrderBy(o => o.ClientId).ThenBy(o => o.CallTime).ThenBy(o => o.HistoryIndex);

    private static string Name(SequentialConsistencyPartitionResult p) => ReportText.PartitionName(p.Index, p.Label);

    private static string Line(ReportedOperation op) => ReportText.Line(op);
}
