namespace DistSync.Locks;

/// <summary>
/// <c>GET /lock/status/{resource}</c>: <see cref="Mode"/> is null when nobody holds the resource ("none");
/// holders sorted by session id, waiters in queue order.
/// </summary>
public sealed record LockStatus(string Resource, LockMode? Mode, IReadOnlyList<LockHolderStatus> Holders, IReadOnlyList<LockWaiterStatus> Waiters)
{
    /// <summary>The API's mode string: <c>none</c>, <c>shared</c> or <c>exclusive</c>.</summary>
    public string ModeName => Mode switch
    {
        null => "none",
        LockMode.Shared => "shared",
        _ => "exclusive",
    };
}
