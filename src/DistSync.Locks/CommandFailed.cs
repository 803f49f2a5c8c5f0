namespace DistSync.Locks;

/// <summary>The command was refused and changed nothing (apart from expiries due at its log time).</summary>
public sealed record CommandFailed(LockFailureReason Reason, string Detail) : LockCommandResult;
