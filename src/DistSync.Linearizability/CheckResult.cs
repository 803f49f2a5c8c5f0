using System.Globalization;
using System.Text;

namespace DistSync.Linearizability;

/// <summary>
/// The verdict of <see cref="LinearizabilityChecker"/>: the overall outcome, one result per part, and readable
/// explanations (<see cref="Explain"/> for an assertion message, <see cref="WriteReport"/> for a file to read).
/// </summary>
public sealed class CheckResult : CheckVerdict<PartitionResult>
{
    private const int MaxBlockedInExplanation = 5;

    internal CheckResult(
        IReadOnlyList<PartitionResult> partitions, int operationCount, TimeSpan elapsed, Func<IReadOnlyList<ReportedOperation>> operations)
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
                    $"Linearizable: {OperationCount} operations in {Partitions.Count} partition(s), checked in {Elapsed.TotalMilliseconds:F0} ms.");
                break;
            case CheckOutcome.Unknown:
                var undecided = Partitions.Where(p => p.Outcome == CheckOutcome.Unknown).ToList();
                sb.Append(CultureInfo.InvariantCulture,
                    $"Undecided: the checker stopped after {Elapsed.TotalMilliseconds:F0} ms with {undecided.Count} of {Partitions.Count} partition(s) not decided ");
                sb.Append('(').Append(string.Join(", ", undecided.Take(10).Select(Name))).Append(undecided.Count > 10 ? ", …)." : ").");
                break;
            default:
                var p = IllegalPartition!;
                var ops = Operations;
                sb.Append(CultureInfo.InvariantCulture,
                    $"Not linearizable: {Name(p)} ({p.OperationIndices.Count} operations) has no legal order.");
                sb.AppendLine();
                var prefix = p.LongestLinearizablePrefix;
                sb.Append(CultureInfo.InvariantCulture,
                    $"The longest linearizable prefix has {prefix.Count} operation(s) and ends in state {(prefix.Count == 0 ? p.InitialState : prefix[^1].StateAfter)}.");
                sb.AppendLine();
                sb.Append("The model rejects every operation that could come next:");
                foreach (var b in p.BlockedOperations.Take(MaxBlockedInExplanation))
                {
                    sb.AppendLine();
                    sb.Append("  ").Append(Line(ops[b.HistoryIndex])).Append("  (rejected by the model in that state)");
                }

                if (p.BlockedOperations.Count > MaxBlockedInExplanation)
                {
                    sb.AppendLine().Append(CultureInfo.InvariantCulture, $"  … and {p.BlockedOperations.Count - MaxBlockedInExplanation} more");
                }

                break;
        }

        return sb.ToString();
    }

    /// <summary>
    /// The full readable dump: the explanation; for every part that is not Ok its longest linearizable prefix
    /// (with the state after each step), the blocked operations and its history by call time; then the whole
    /// history by call time.
    /// </summary>
    public string Report()
    {
        var sb = new StringBuilder();
        var ops = Operations;
        sb.Append(CultureInfo.InvariantCulture, $"Linearizability check: {Outcome}").AppendLine();
        sb.AppendLine(Explain());
        sb.AppendLine();
        sb.AppendLine("Times are as recorded; '∞' marks a call that timed out (output '?'), which may take effect at any later time or never.");

        foreach (var p in Partitions.Where(p => p.Outcome != CheckOutcome.Ok))
        {
            sb.AppendLine();
            sb.Append(CultureInfo.InvariantCulture, $"== {Name(p)}: {p.Outcome}, {p.OperationIndices.Count} operations ==").AppendLine();
            sb.Append("Initial state: ").AppendLine(p.InitialState);
            var prefix = p.LongestLinearizablePrefix;
            sb.Append(CultureInfo.InvariantCulture,
                $"Longest linearizable prefix ({prefix.Count} of {p.OperationIndices.Count} operations), in linearization order:").AppendLine();
            var position = new Dictionary<int, int>();
            for (var i = 0; i < prefix.Count; i++)
            {
                position[prefix[i].HistoryIndex] = i + 1;
                sb.Append(CultureInfo.InvariantCulture, $"  {i + 1,5}. {Line(ops[prefix[i].HistoryIndex])}").AppendLine();
                sb.Append("         state: ").AppendLine(prefix[i].StateAfter);
            }

            if (p.BlockedOperations.Count > 0)
            {
                sb.AppendLine("Operations that could come next, each rejected by the model in the last state above:");
                foreach (var b in p.BlockedOperations)
                {
                    sb.Append("  ").AppendLine(Line(ops[b.HistoryIndex]));
                }
            }

            sb.AppendLine("History of this partition by call time (L<n>: position in the prefix, '--': not in it):");
            foreach (var index in p.OperationIndices)
            {
                var mark = position.TryGetValue(index, out var at) ? "L" + at.ToString(CultureInfo.InvariantCulture) : "--";
                sb.Append(CultureInfo.InvariantCulture, $"  {mark,7} {Line(ops[index])}").AppendLine();
            }
        }

        sb.AppendLine();
        sb.AppendLine("== Whole history by call time ==");
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

        foreach (var op in ops.OrderBy(o => o.CallTime).ThenBy(o => o.HistoryIndex))
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

    private static string Name(PartitionResult p) => ReportText.PartitionName(p.Index, p.Label);

    private static string Line(ReportedOperation op) => ReportText.Line(op);
}
