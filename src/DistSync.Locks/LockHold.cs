namespace DistSync.Locks;

/// <summary>One session's hold on one resource; an upgrade changes it in place.</summary>
internal sealed class LockHold(string sessionId, LockMode mode, long fencingToken, long sinceMs, string txnId)
{
    public string SessionId { get; } = sessionId;

    public LockMode Mode { get; set; } = mode;

    public long FencingToken { get; set; } = fencingToken;

    public long SinceMs { get; set; } = sinceMs;

    public string TxnId { get; set; } = txnId;
}
