namespace DistSync.Node.Locks;

/// <summary>
/// The wait ended in entries this node skipped by installing a snapshot and its session does not hold the resource:
/// its outcome (timeout, deadlock, cancel) is unknown here. Retrying the acquire is safe (it is idempotent).
/// </summary>
public sealed record WaitLost(long RequestId);
