namespace DistSync.Node.Queues;

/// <summary>Wakes every waiter at once (a long-polling consume waiting for messages to become ready); waiters
/// re-check their condition, so a pulse that finds nobody waiting is simply lost.</summary>
public sealed class AsyncPulse
{
    private TaskCompletionSource current = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next pulse.</summary>
    public Task NextAsync() => Volatile.Read(ref current).Task;

    public void Pulse()
    {
        var tcs = Interlocked.Exchange(ref current, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        tcs.TrySetResult();
    }
}
