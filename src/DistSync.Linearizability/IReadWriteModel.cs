namespace DistSync.Linearizability;

/// <summary>
/// Optional for a model whose operations only read one state or set one (a register, one key of a cache). Knowing
/// which state each operation needs and which it sets lets <see cref="SequentialConsistencyChecker"/> drop a search
/// branch as soon as some read is stranded: the state it needs is not the current one and no operation left to
/// place sets it. Without that, refuting a large history means trying every interleaving of the writes.
/// </summary>
/// <remarks>
/// The checker trusts two facts, for every operation with its output (a model that breaks them gets wrong verdicts):
/// <list type="number">
/// <item>When <see cref="TryGetReadState"/> gives S, the model accepts the operation only in states equal to S
/// (by <see cref="IModel{TState,TInput,TOutput}.StateEquals"/>).</item>
/// <item>A state equal to S follows an operation only if <see cref="TryGetWrittenState"/> gives S for it, or if the
/// state before was already S (so refused writes, reads and timed-out reads give nothing; a timed-out write gives
/// the state it would set).</item>
/// </list>
/// </remarks>
public interface IReadWriteModel<TState, TInput, TOutput> : IModel<TState, TInput, TOutput>
{
    /// <summary>The only state the model accepts the operation in, if there is one (e.g. a read that saw a value).</summary>
    bool TryGetReadState(TInput input, Observed<TOutput> output, out TState state);

    /// <summary>The state the operation sets, if it sets one (e.g. a write, taking effect or timed out).</summary>
    bool TryGetWrittenState(TInput input, Observed<TOutput> output, out TState state);
}
