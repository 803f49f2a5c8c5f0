namespace DistSync.Client.Contracts;

/// <summary>One holder in <see cref="LockStatusResponse"/>.</summary>
public sealed record LockHolderInfo(string SessionId, long FencingToken, long SinceMs, string Mode, string TxnId);
