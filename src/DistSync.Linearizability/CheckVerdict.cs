namespace DistSync.Linearizability;

/// <summary>
/// What the verdicts of <see cref="LinearizabilityChecker"/> and <see cref="SequentialConsistencyChecker"/> share: the
/// overall outcome from the parts' outcomes, the parts, the operation count, the time taken and the rendered history.
/// </summary>
public abstract class CheckVerdict<TPartition>
    where TPartition : class, IPartitionVerdict
{
    private readonly Lazy<IReadOnlyList<ReportedOperation>> _operations;

    private protected CheckVerdict(
        IReadOnlyList<TPartition> partitions, int operationCount, TimeSpan elapsed, Func<IReadOnlyList<ReportedOperation>> operations)
    {
        OperationCount = operationCount;
        Partitions = partitions;
        Elapsed = elapsed;
        _operations = new Lazy<IReadOnlyList<ReportedOperation>>(operations);
        IllegalPartition = partitions.FirstOrDefault(p => p.Outcome == CheckOutcome.Illegal);
        Outcome = IllegalPartition is not null ? CheckOutcome.Illegal
            : partitions.Any(p => p.Outcome == CheckOutcome.Unknown) ? CheckOutcome.Unknown
            : CheckOutcome.Ok;
    }

    /// <summary>Illegal if any part is illegal; otherwise Unknown if any part is undecided; otherwise Ok.</summary>
    public CheckOutcome Outcome { get; }

    /// <summary>True when the history passes the check (every part on its own).</summary>
    public bool IsOk => Outcome == CheckOutcome.Ok;

    /// <summary>One result per part, in the model's partition order.</summary>
    public IReadOnlyList<TPartition> Partitions { get; }

    /// <summary>The first illegal part, or null.</summary>
    public TPartition? IllegalPartition { get; }

    /// <summary>Number of operations in the checked history.</summary>
    public int OperationCount { get; }

    /// <summary>Time the check took.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Every operation of the checked history, rendered by the model, in history order.</summary>
    public IReadOnlyList<ReportedOperation> Operations => _operations.Value;
}
