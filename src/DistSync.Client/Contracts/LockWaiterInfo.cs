namespace DistSync.Client.Contracts;

/// <summary>One waiter in <see cref="LockStatusResponse"/>, in queue order.</summary>
public sealed record LockWaiterInfo(string SessionId, string Mode, string TxnId);
