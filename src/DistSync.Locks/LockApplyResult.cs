namespace DistSync.Locks;

/// <summary>
/// Everything one applied entry produced: the proposer's answer, the waits it ended (in the order they ended) and
/// the sessions it ended.
/// </summary>
public sealed record LockApplyResult(LockCommandResult Result, IReadOnlyList<WaitOutcome> WaitOutcomes, IReadOnlyList<SessionEnded> SessionsEnded);
