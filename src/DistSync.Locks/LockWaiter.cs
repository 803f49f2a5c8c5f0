namespace DistSync.Locks;

/// <summary>A queued acquire; <see cref="RequestId"/> is the Raft index of its Acquire entry.</summary>
internal sealed class LockWaiter(long requestId, string sessionId, string resource, LockMode mode, string txnId, long deadlineMs, long enqueuedMs)
{
    public long RequestId { get; } = requestId;

    public string SessionId { get; } = sessionId;

    public string Resource { get; } = resource;

    public LockMode Mode { get; } = mode;

    public string TxnId { get; } = txnId;

    /// <summary>A repeated acquire joining this wait may move the deadline later.</summary>
    public long DeadlineMs { get; set; } = deadlineMs;

    public long EnqueuedMs { get; } = enqueuedMs;
}
