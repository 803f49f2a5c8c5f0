namespace DistSync.Locks;

/// <summary>An Expire entry was applied; what it ended is in the apply's wait outcomes and ended sessions.</summary>
public sealed record ExpiryApplied(int SessionsExpired, int WaitsTimedOut) : LockCommandResult;
