namespace DistSync.Linearizability.Models;

/// <summary>
/// The answer to a <see cref="LockInput"/>: for acquire, whether it was granted and with which fencing token
/// (refused = HTTP 409 timeout/deadlock/conflict); for release, whether the owner held the lock; nothing for
/// end-session.
/// </summary>
public sealed record LockOutput(bool Ok, long FencingToken)
{
    public static LockOutput Granted(long fencingToken) => new(true, fencingToken);

    public static LockOutput NotGranted { get; } = new(false, 0);

    public static LockOutput Released(bool wasHeld) => new(wasHeld, 0);

    public static LockOutput SessionEnded { get; } = new(true, 0);
}
