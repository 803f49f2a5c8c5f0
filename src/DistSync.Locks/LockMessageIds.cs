namespace DistSync.Locks;

/// <summary>
/// Remoting type ids of the lock service's Protobuf messages (block 300-399). Written on the wire and in the Raft
/// log: never renumber, only add. The host registers them with its message registry (this project does not reference
/// the actor runtime).
/// </summary>
public static class LockMessageIds
{
    public const uint LockCommand = 300;
    public const uint CreateSession = 301;
    public const uint KeepAlive = 302;
    public const uint DeleteSession = 303;
    public const uint Acquire = 304;
    public const uint Release = 305;
    public const uint CancelWait = 306;
    public const uint Expire = 307;
    public const uint LockSnapshot = 308;

    /// <summary>First id of the lock service's block.</summary>
    public const uint First = 300;

    /// <summary>Last id of the lock service's block.</summary>
    public const uint Last = 399;
}
