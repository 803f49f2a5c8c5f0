namespace DistSync.Linearizability.Models;

/// <summary>
/// The coherent cache (API.md "Cache") as one register per key, checked one key at a time: a read returns the
/// last written value, or not-found when the key was never written or its last change was an invalidate.
/// </summary>
/// <remarks>
/// <para>Linearizability against this model is the contract of <c>write-policy = write-through</c>; for
/// write-back, check the same history with <see cref="SequentialConsistencyChecker"/>.</para>
/// <para>A refused write (409 <c>stale-fence</c>) changes nothing and is always accepted: whether the fence was
/// stale is the lock service's state, which this model does not see. A timed-out write or invalidate may take
/// effect at any time after its call, or never; a timed-out read constrains nothing.</para>
/// </remarks>
public sealed class CacheModel : IReadWriteModel<CacheKeyState, CacheInput, CacheOutput>
{
    public CacheKeyState Init() => CacheKeyState.Absent;

    public (bool Ok, CacheKeyState Next) Step(CacheKeyState state, CacheInput input, Observed<CacheOutput> output) => input.Kind switch
    {
        CacheOperationKind.Read => (!output.IsKnown || Matches(state, output.Value), state),
        CacheOperationKind.Write when output.IsKnown && !output.Value.Ok => (true, state),
        CacheOperationKind.Write => (true, CacheKeyState.Holding(input.Value!)),
        CacheOperationKind.Invalidate => (true, CacheKeyState.Absent),
        _ => throw new ArgumentOutOfRangeException(nameof(input), input.Kind, "Unknown cache operation."),
    };

    /// <summary>Reads and refused writes never change the state.</summary>
    public bool IsReadOnly(CacheInput input, Observed<CacheOutput> output) =>
        input.Kind == CacheOperationKind.Read
        || (input.Kind == CacheOperationKind.Write && output.IsKnown && !output.Value.Ok);

    /// <summary>A read that saw a value needs that value; one that found nothing needs the key absent.</summary>
    public bool TryGetReadState(CacheInput input, Observed<CacheOutput> output, out CacheKeyState state)
    {
        var reads = input.Kind == CacheOperationKind.Read && output.IsKnown;
        state = !reads ? default : output.Value.Ok ? CacheKeyState.Holding(output.Value.Value!) : CacheKeyState.Absent;
        return reads;
    }

    /// <summary>A write that was not refused sets its value; an invalidate makes the key absent.</summary>
    public bool TryGetWrittenState(CacheInput input, Observed<CacheOutput> output, out CacheKeyState state)
    {
        switch (input.Kind)
        {
            case CacheOperationKind.Write when !output.IsKnown || output.Value.Ok:
                state = CacheKeyState.Holding(input.Value!);
                return true;
            case CacheOperationKind.Invalidate:
                state = CacheKeyState.Absent;
                return true;
            default:
                state = default;
                return false;
        }
    }

    public IReadOnlyList<IReadOnlyList<Operation<CacheInput, CacheOutput>>> Partition(IReadOnlyList<Operation<CacheInput, CacheOutput>> history) =>
        HistoryPartitions.ByKey(history, input => input.Key);

    public string DescribePartition(IReadOnlyList<Operation<CacheInput, CacheOutput>> partition) =>
        partition.Count == 0 ? "" : $"key \"{partition[0].Input.Key}\"";

    public string DescribeOperation(CacheInput input, Observed<CacheOutput> output)
    {
        if (!output.IsKnown)
        {
            return $"{input} -> ? (timed out)";
        }

        var o = output.Value;
        return input.Kind switch
        {
            CacheOperationKind.Read => o.Ok ? $"{input} -> \"{o.Value}\"" : $"{input} -> not found",
            CacheOperationKind.Write => o.Ok ? $"{input} -> ok" : $"{input} -> rejected (stale fence)",
            _ => $"{input} -> ok",
        };
    }

    public string DescribeState(CacheKeyState state) => state.ToString();

    private static bool Matches(CacheKeyState state, CacheOutput read) =>
        read.Ok ? state.Exists && string.Equals(read.Value, state.Value, StringComparison.Ordinal) : !state.Exists;
}
