using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// <see cref="CacheModel"/> with <see cref="IModel{TState,TInput,TOutput}.IsReadOnly"/> left at its default (false)
/// but still an <see cref="IReadWriteModel{TState,TInput,TOutput}"/>: the search drops stranded branches but tries
/// every read at every point.
/// </summary>
internal sealed class CacheModelWithoutReadOnlyHint : IReadWriteModel<CacheKeyState, CacheInput, CacheOutput>
{
    private readonly CacheModel _inner = new();

    public CacheKeyState Init() => _inner.Init();

    public (bool Ok, CacheKeyState Next) Step(CacheKeyState state, CacheInput input, Observed<CacheOutput> output) =>
        _inner.Step(state, input, output);

    public bool TryGetReadState(CacheInput input, Observed<CacheOutput> output, out CacheKeyState state) =>
        _inner.TryGetReadState(input, output, out state);

    public bool TryGetWrittenState(CacheInput input, Observed<CacheOutput> output, out CacheKeyState state) =>
        _inner.TryGetWrittenState(input, output, out state);

    public IReadOnlyList<IReadOnlyList<Operation<CacheInput, CacheOutput>>> Partition(IReadOnlyList<Operation<CacheInput, CacheOutput>> history) =>
        _inner.Partition(history);
}
