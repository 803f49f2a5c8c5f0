namespace DistSync.Locks;

/// <summary>
/// A queued acquire ended in a later entry; the host completes the HTTP request waiting on <see cref="RequestId"/>.
/// <see cref="FencingToken"/> is set only when <see cref="Kind"/> is <see cref="WaitOutcomeKind.Granted"/>.
/// </summary>
public sealed record WaitOutcome(long RequestId, string SessionId, string Resource, LockMode Mode, WaitOutcomeKind Kind, long FencingToken)
{
    public bool IsGranted => Kind == WaitOutcomeKind.Granted;
}
