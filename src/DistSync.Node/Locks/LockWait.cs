using DistSync.Locks;

namespace DistSync.Node.Locks;

/// <summary>
/// One HTTP acquire waiting on this node. <see cref="Ended"/> completes with a <see cref="LockCommandResult"/> (the
/// Acquire's direct answer, seen when this replica applied it), a <see cref="WaitOutcome"/> (a later entry ended the
/// wait) or a <see cref="WaitLost"/>. Continuations never run on the Raft group's thread.
/// </summary>
public sealed class LockWait
{
    private readonly TaskCompletionSource<object> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<long> _queued = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal LockWait(string token, string resource, string sessionId)
    {
        Token = token;
        Resource = resource;
        SessionId = sessionId;
    }

    /// <summary>Carried in the Acquire entry (<c>wait_token</c>); unique cluster-wide.</summary>
    public string Token { get; }

    public string Resource { get; }

    public string SessionId { get; }

    /// <summary>The Raft index of the queued Acquire (or of the earlier one it joined), once known.</summary>
    public long? RequestId { get; private set; }

    public Task<object> Ended => _ended.Task;

    /// <summary>Completes with the request id once it is known (from the proposal's answer or the local apply).</summary>
    public Task<long> Queued => _queued.Task;

    internal void SetRequestId(long requestId)
    {
        RequestId = requestId;
        _queued.TrySetResult(requestId);
    }

    internal void Complete(object outcome) => _ended.TrySetResult(outcome);
}
