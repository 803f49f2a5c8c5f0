namespace DistSync.Locks;

/// <summary>
/// A queued acquire ended in a later entry; the host completes the HTTP request waiting on <see cref="RequestId"/>.
/// <see cref="FencingToken"/> is set only when <see cref="Kind"/> is <see cref="WaitOutcomeKind.Granted"/>.
/// </summary>
public sealed record WaitOutcome(long RequestId, string SessionId, string Resource, LockMode Mode, WaitOutcomeKind Kind, long FencingToken)
{
    /// <summary>
    /// For <see cref="WaitOutcomeKind.Deadlock"/>: the resources whose holds the aborted transaction lost, sorted
    /// (ordinal), without duplicates; empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Released { get; init; } = [];

    public bool IsGranted => Kind == WaitOutcomeKind.Granted;

    // Element-wise on Released: a record compares lists by reference, and replicas must compare equal.
    public bool Equals(WaitOutcome? other) =>
        other is not null
        && RequestId == other.RequestId
        && string.Equals(SessionId, other.SessionId, StringComparison.Ordinal)
        && string.Equals(Resource, other.Resource, StringComparison.Ordinal)
        && Mode == other.Mode
        && Kind == other.Kind
        && FencingToken == other.FencingToken
        && Released.SequenceEqual(other.Released, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(RequestId, Resource, Kind, FencingToken, Released.Count);
}
