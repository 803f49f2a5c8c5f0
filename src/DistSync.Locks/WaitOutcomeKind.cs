namespace DistSync.Locks;

/// <summary>How a queued acquire ended.</summary>
public enum WaitOutcomeKind
{
    Granted,

    /// <summary>Its deadline passed (409 <c>timeout</c>).</summary>
    TimedOut,

    /// <summary>Its transaction was aborted to break a deadlock (409 <c>deadlock</c>).</summary>
    Deadlock,

    /// <summary>Its session expired.</summary>
    SessionExpired,

    /// <summary>Cancelled by CancelWait (the client went away) or by deleting the session.</summary>
    Cancelled,
}
