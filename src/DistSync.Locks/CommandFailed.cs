namespace DistSync.Locks;

/// <summary>The command was refused and changed nothing (apart from expiries due at its log time).</summary>
/// <remarks>A <see cref="LockFailureReason.Deadlock"/> is the exception: the aborted transaction lost its holds.</remarks>
public sealed record CommandFailed(LockFailureReason Reason, string Detail) : LockCommandResult
{
    /// <summary>
    /// For <see cref="LockFailureReason.Deadlock"/>: the resources whose holds the aborted transaction lost, sorted
    /// (ordinal), without duplicates; empty otherwise.
    /// </summary>
    public IReadOnlyList<string> Released { get; init; } = [];

    // Element-wise on Released: a record compares lists by reference, and a decoded result must equal the original.
    public bool Equals(CommandFailed? other) =>
        other is not null
        && Reason == other.Reason
        && string.Equals(Detail, other.Detail, StringComparison.Ordinal)
        && Released.SequenceEqual(other.Released, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Reason, Detail, Released.Count);
}
