using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// <see cref="CacheModel"/> as a plain <see cref="IModel{TState,TInput,TOutput}"/>: no read-only hint, no
/// <see cref="IReadWriteModel{TState,TInput,TOutput}"/>, so the sequential-consistency search tries every read at
/// every point and never drops a branch for a stranded read.
/// </summary>
internal sealed class CacheModelWithoutHints : IModel<CacheKeyState, CacheInput, CacheOutput>
{
    private readonly CacheModel _inner = new();

    public CacheKeyState Init() => _inner.Init();

    public (bool Ok, CacheKeyState Next) Step(CacheKeyState state, CacheInput input, Observed<CacheOutput> output) =>
        _inner.Step(state, input, output);

    public IReadOnlyList<IReadOnlyList<Operation<CacheInput, CacheOutput>>> Partition(IReadOnlyList<Operation<CacheInput, CacheOutput>> history) =>
        _inner.Partition(history);

    public string DescribePartition(IReadOnlyList<Operation<CacheInput, CacheOutput>> partition) => _inner.DescribePartition(partition);

    public string DescribeOperation(CacheInput input, Observed<CacheOutput> output) => _inner.DescribeOperation(input, output);

    public string DescribeState(CacheKeyState state) => _inner.DescribeState(state);
}
