namespace DistSync.Locks;

/// <summary>One waiter in <see cref="LockStatus"/>, in queue order (API.md: <c>{"sessionId", "mode", "txnId"}</c>, plus its request id and deadline).</summary>
public sealed record LockWaiterStatus(string SessionId, LockMode Mode, string TxnId, long RequestId, long DeadlineMs);
