namespace DistSync.Locks;

/// <summary>
/// The acquire waits: the HTTP request stays open until a <see cref="WaitOutcome"/> with this
/// <see cref="RequestId"/> (the Raft index of the Acquire entry, or of the earlier Acquire this one joined).
/// </summary>
public sealed record LockQueued(long RequestId) : LockCommandResult;
