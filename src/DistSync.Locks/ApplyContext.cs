namespace DistSync.Locks;

/// <summary>The entry being applied: its index and (monotonic) log time, and the wait outcomes it produced so far.</summary>
internal sealed class ApplyContext(long index, long nowMs)
{
    public long Index { get; } = index;

    public long NowMs { get; } = nowMs;

    public List<WaitOutcome> Outcomes { get; } = [];
}
