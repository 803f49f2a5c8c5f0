namespace DistSync.Linearizability;

/// <summary>The verdict on one independent part of a history (see <see cref="IModel{TState,TInput,TOutput}.Partition"/>).</summary>
public sealed class PartitionResult : IPartitionVerdict
{
    private readonly Lazy<IReadOnlyList<LinearizedStep>> _prefix;
    private readonly Lazy<IReadOnlyList<BlockedOperation>> _blocked;

    internal PartitionResult(
        int index,
        string label,
        CheckOutcome outcome,
        IReadOnlyList<int> operationIndices,
        string initialState,
        Func<IReadOnlyList<LinearizedStep>> prefix,
        Func<IReadOnlyList<BlockedOperation>> blocked)
    {
        Index = index;
        Label = label;
        Outcome = outcome;
        OperationIndices = operationIndices;
        InitialState = initialState;
        _prefix = new Lazy<IReadOnlyList<LinearizedStep>>(prefix);
        _blocked = new Lazy<IReadOnlyList<BlockedOperation>>(blocked);
    }

    /// <summary>Position of this part in the model's partition list.</summary>
    public int Index { get; }

    /// <summary>The model's name for the part (e.g. <c>key "a"</c>), possibly empty.</summary>
    public string Label { get; }

    public CheckOutcome Outcome { get; }

    /// <summary>The part's operations as positions in the checked history, in call-time order.</summary>
    public IReadOnlyList<int> OperationIndices { get; }

    /// <summary>The model's initial state, rendered.</summary>
    public string InitialState { get; }

    /// <summary>
    /// The longest sequence of operations the search managed to linearize, in linearization order. For an
    /// <see cref="CheckOutcome.Ok"/> part this is a complete linearization (every operation of the part).
    /// </summary>
    public IReadOnlyList<LinearizedStep> LongestLinearizablePrefix => _prefix.Value;

    /// <summary>
    /// For an <see cref="CheckOutcome.Illegal"/> part: the operations that could come right after
    /// <see cref="LongestLinearizablePrefix"/> (real time allows them), all rejected by the model there. Empty otherwise.
    /// </summary>
    public IReadOnlyList<BlockedOperation> BlockedOperations => _blocked.Value;

    public override string ToString() =>
        $"partition {Index}{(Label.Length > 0 ? " (" + Label + ")" : "")}: {Outcome}, {OperationIndices.Count} operations";
}
