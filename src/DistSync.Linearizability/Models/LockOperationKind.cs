namespace DistSync.Linearizability.Models;

/// <summary>The operations of <see cref="LockModel"/>.</summary>
public enum LockOperationKind
{
    Acquire,
    Release,

    /// <summary>The owner's session ended: every lock it holds, on every resource, is released.</summary>
    ReleaseAll,
}
