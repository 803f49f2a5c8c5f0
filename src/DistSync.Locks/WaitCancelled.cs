namespace DistSync.Locks;

/// <summary>
/// Answer to a CancelWait. <see cref="WasWaiting"/> is false when the wait had already ended (granted, timed out, …)
/// or never existed; then nothing changed.
/// </summary>
public sealed record WaitCancelled(long RequestId, bool WasWaiting) : LockCommandResult;
