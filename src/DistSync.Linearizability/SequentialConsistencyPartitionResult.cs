namespace DistSync.Linearizability;

/// <summary>
/// The verdict of <see cref="SequentialConsistencyChecker"/> on one independent part of a history (one key, for a
/// model partitioned by key).
/// </summary>
public sealed class SequentialConsistencyPartitionResult : IPartitionVerdict
{
    private readonly Lazy<IReadOnlyList<LinearizedStep>> _order;
    private readonly Lazy<IReadOnlyList<BlockedOperation>> _blocked;
    private readonly Lazy<IReadOnlyList<BlockedOperation>> _stranded;

    internal SequentialConsistencyPartitionResult(
        int index,
        string label,
        CheckOutcome outcome,
        IReadOnlyList<int> operationIndices,
        int clientCount,
        string initialState,
        Func<IReadOnlyList<LinearizedStep>> order,
        Func<IReadOnlyList<BlockedOperation>> blocked,
        Func<IReadOnlyList<BlockedOperation>> stranded)
    {
        Index = index;
        Label = label;
        Outcome = outcome;
        OperationIndices = operationIndices;
        ClientCount = clientCount;
        InitialState = initialState;
        _order = new Lazy<IReadOnlyList<LinearizedStep>>(order);
        _blocked = new Lazy<IReadOnlyList<BlockedOperation>>(blocked);
        _stranded = new Lazy<IReadOnlyList<BlockedOperation>>(stranded);
    }

    /// <summary>Position of this part in the model's partition list.</summary>
    public int Index { get; }

    /// <summary>The model's name for the part (e.g. <c>key "a"</c>), possibly empty.</summary>
    public string Label { get; }

    public CheckOutcome Outcome { get; }

    /// <summary>The part's operations as positions in the checked history, in call-time order.</summary>
    public IReadOnlyList<int> OperationIndices { get; }

    /// <summary>Number of distinct clients (processes) among the part's operations.</summary>
    public int ClientCount { get; }

    /// <summary>The model's initial state, rendered.</summary>
    public string InitialState { get; }

    /// <summary>
    /// The longest order the search built: operations in an order that keeps every client's program order, each
    /// accepted by the model in the state the previous ones leave. For an <see cref="CheckOutcome.Ok"/> part it is
    /// complete: every operation with a known output, and the timed-out ones that had to take effect.
    /// </summary>
    public IReadOnlyList<LinearizedStep> LongestOrder => _order.Value;

    /// <summary>
    /// For an <see cref="CheckOutcome.Illegal"/> part whose <see cref="LongestOrder"/> strands no read: the
    /// operations that program order lets come right after it (each client's next one), all rejected by the model
    /// there. Empty otherwise.
    /// </summary>
    public IReadOnlyList<BlockedOperation> BlockedOperations => _blocked.Value;

    /// <summary>
    /// For an <see cref="CheckOutcome.Illegal"/> part checked with an <see cref="IReadWriteModel{TState,TInput,TOutput}"/>
    /// whose <see cref="LongestOrder"/> strands some reads: those reads, which need a state other than the one the
    /// order ends in while no operation left sets it, so no continuation can accept them. Empty otherwise.
    /// </summary>
    public IReadOnlyList<BlockedOperation> StrandedOperations => _stranded.Value;

    public override string ToString() =>
        $"{ReportText.PartitionName(Index, Label)}: {Outcome}, {OperationIndices.Count} operations of {ClientCount} client(s)";
}
