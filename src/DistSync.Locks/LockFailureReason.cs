namespace DistSync.Locks;

/// <summary>Why a command was refused (API.md: 409 timeout/deadlock/conflict, 404 unknown session or not held, 400 invalid).</summary>
public enum LockFailureReason
{
    /// <summary>The wait passed its deadline (409 <c>timeout</c>).</summary>
    Timeout,

    /// <summary>The request's transaction was aborted to break a wait-for cycle (409 <c>deadlock</c>).</summary>
    Deadlock,

    /// <summary>A try-lock (<c>waitMs = 0</c>) that could not be granted at once (409 <c>conflict</c>).</summary>
    Conflict,

    /// <summary>The session does not exist or has expired (404).</summary>
    UnknownSession,

    /// <summary>A release by a session that does not hold the lock (404).</summary>
    NotHeld,

    /// <summary>Malformed or out-of-bounds input (400); the detail names the field.</summary>
    Invalid,
}
