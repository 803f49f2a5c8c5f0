namespace DistSync.Locks;

/// <summary>
/// The lock is held (200 <c>{"resource", "mode", "fencingToken"}</c>). <see cref="Mode"/> is the mode held, which is
/// exclusive when an exclusive holder asked for shared.
/// </summary>
public sealed record LockGranted(string Resource, LockMode Mode, long FencingToken) : LockCommandResult;
