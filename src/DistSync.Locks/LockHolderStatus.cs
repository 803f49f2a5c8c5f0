namespace DistSync.Locks;

/// <summary>One holder in <see cref="LockStatus"/> (API.md: <c>{"sessionId", "fencingToken", "sinceMs"}</c>, plus its mode and transaction).</summary>
public sealed record LockHolderStatus(string SessionId, long FencingToken, long SinceMs, LockMode Mode, string TxnId);
