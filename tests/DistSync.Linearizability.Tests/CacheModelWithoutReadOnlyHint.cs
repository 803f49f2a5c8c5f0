using DistSync.Linearizability.Models;

namespace DistSync.Linearizability.Tests;

/// <summary>
/// <see cref="CacheModel"/> with <see cref="IModel{TState,TInput,TOutput}.IsReadOnly"/> left at its default (false),
/// so the sequential-consistency search tries every read at every point instead of placing it at once.
/// </summary>
internal sealed class CacheModelWithoutReadOnlyHint : IModel<CacheKeyState, CacheInput, CacheOutput>
{
    private readonly CacheModel _inner = new();

    public CacheKeyState Init() => _inner.Init();

    public (bool Ok, CacheKeyState Next) Step(CacheKeyState state, CacheInput input, Observed<CacheOutput> output) =>
        _inner.Step(state, input, output);

    public IReadOnlyList<IReadOnlyList<Operation<CacheInput, CacheOutput>>> Partition(IReadOnlyList<Operation<CacheInput, CacheOutput>> history) =>
        _inner.Partition(history);
}
