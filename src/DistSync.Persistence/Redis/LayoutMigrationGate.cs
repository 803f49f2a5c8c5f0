namespace DistSync.Persistence.Redis;

/// <summary>
/// Runs an engine's layout migration before its first operation, once: every operation awaits the same task, so none
/// sees the keys half moved. A failed run (e.g. the server was unreachable) is not cached: the next operation tries
/// again, as it would have to reach the server anyway. Lazy rather than in the constructor because the engines are
/// constructed synchronously and may be disposed unused.
/// </summary>
internal sealed class LayoutMigrationGate
{
    private readonly Func<Task> _migrate;
    private readonly Lock _lock = new();
    private Task? _run;

    public LayoutMigrationGate(Func<Task> migrate) => _migrate = migrate ?? throw new ArgumentNullException(nameof(migrate));

    public Task EnsureAsync()
    {
        var run = Volatile.Read(ref _run);
        if (run is { IsCompletedSuccessfully: true }) return run;
        lock (_lock)
        {
            if (_run is null || _run.IsFaulted || _run.IsCanceled) _run = Task.Run(_migrate);
            return _run;
        }
    }
}
