namespace DistSync.Linearizability.Models;

/// <summary>
/// An operation of the lock service (API.md "Locks"). <see cref="Owner"/> is the session holding or asking;
/// <see cref="Resource"/> is null only for <see cref="LockOperationKind.ReleaseAll"/>, which applies to every resource.
/// </summary>
public sealed record LockInput(LockOperationKind Kind, string? Resource, string Owner, LockMode Mode)
{
    public static LockInput Acquire(string resource, string owner, LockMode mode) => new(LockOperationKind.Acquire, resource, owner, mode);

    public static LockInput Release(string resource, string owner) => new(LockOperationKind.Release, resource, owner, LockMode.Shared);

    /// <summary>The session <paramref name="owner"/> expired or was deleted.</summary>
    public static LockInput ReleaseAll(string owner) => new(LockOperationKind.ReleaseAll, null, owner, LockMode.Shared);

    public override string ToString() => Kind switch
    {
        LockOperationKind.Acquire => $"acquire({Resource}, {Owner}, {(Mode == LockMode.Shared ? "shared" : "exclusive")})",
        LockOperationKind.Release => $"release({Resource}, {Owner})",
        _ => $"end-session({Owner})",
    };
}
