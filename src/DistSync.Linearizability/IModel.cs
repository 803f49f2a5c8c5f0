namespace DistSync.Linearizability;

/// <summary>
/// A sequential specification of an object, as pure functions (Porcupine style). The checker searches for an
/// order of the history's operations, consistent with real time, that the model accepts step by step.
/// </summary>
/// <remarks>
/// States must be immutable values: the checker keeps them for backtracking and memoises
/// (set of linearized operations, state) pairs with <see cref="StateEquals"/> and <see cref="StateHash"/>,
/// which default to <see cref="EqualityComparer{T}.Default"/> (so record states just work).
/// Implementations must be thread-safe for concurrent <c>Check</c> calls, which pure functions are.
/// </remarks>
/// <typeparam name="TState">The object's state.</typeparam>
/// <typeparam name="TInput">An operation's input (which operation, with which arguments).</typeparam>
/// <typeparam name="TOutput">An operation's output.</typeparam>
public interface IModel<TState, TInput, TOutput>
{
    /// <summary>The initial state of every partition.</summary>
    TState Init();

    /// <summary>
    /// Applies <paramref name="input"/> to <paramref name="state"/> and tells whether <paramref name="output"/> is a
    /// legal answer there. When the output is unknown (a timed-out call), return <c>Ok = true</c> with the state the
    /// operation would produce if it took effect (the checker separately allows it to take effect last, i.e. never).
    /// </summary>
    (bool Ok, TState Next) Step(TState state, TInput input, Observed<TOutput> output);

    /// <summary>
    /// True when the operation leaves every state it is accepted in unchanged (a read, a refused write). Only a
    /// hint: <see cref="SequentialConsistencyChecker"/> places such an operation as soon as the model accepts it
    /// instead of trying it at every later point, which is sound only if this is true for all states. The
    /// linearizability checker ignores it. False by default.
    /// </summary>
    bool IsReadOnly(TInput input, Observed<TOutput> output) => false;

    /// <summary>State equality, for memoisation.</summary>
    bool StateEquals(TState left, TState right) => EqualityComparer<TState>.Default.Equals(left, right);

    /// <summary>State hash, consistent with <see cref="StateEquals"/>.</summary>
    int StateHash(TState state) => state is null ? 0 : EqualityComparer<TState>.Default.GetHashCode(state);

    /// <summary>
    /// Splits a history into independent parts checked separately (e.g. one per key), which is what makes large
    /// histories cheap. Every operation must be in at least one part; an operation touching several parts may be
    /// in several. The default is one part holding the whole history. See <see cref="HistoryPartitions"/>.
    /// </summary>
    IReadOnlyList<IReadOnlyList<Operation<TInput, TOutput>>> Partition(IReadOnlyList<Operation<TInput, TOutput>> history) =>
        new[] { history };

    /// <summary>A short human name for a part, e.g. <c>key "a"</c>; empty by default.</summary>
    string DescribePartition(IReadOnlyList<Operation<TInput, TOutput>> partition) => "";

    /// <summary>One operation for reports, e.g. <c>put(a, 1) -> v7</c>.</summary>
    string DescribeOperation(TInput input, Observed<TOutput> output) => $"{input} -> {output}";

    /// <summary>One state for reports.</summary>
    string DescribeState(TState state) => state?.ToString() ?? "null";
}
