namespace DistSync.Locks;

/// <summary>
/// Remoting type ids of the lock service's Protobuf messages (block 3000-3999; the registry gives each module a block of 1000). Written on the wire and in the Raft
/// log: never renumber, only add. The host registers them with its message registry (this project does not reference
/// the actor runtime).
/// </summary>
public static class LockMessageIds
{
    public const uint LockCommand = 3000;
    public const uint CreateSession = 3001;
    public const uint KeepAlive = 3002;
    public const uint DeleteSession = 3003;
    public const uint Acquire = 3004;
    public const uint Release = 3005;
    public const uint CancelWait = 3006;
    public const uint Expire = 3007;
    public const uint LockSnapshot = 3008;

    /// <summary>First id of the lock service's block.</summary>
    public const uint First = 3000;

    /// <summary>Last id of the lock service's block.</summary>
    public const uint Last = 3999;
}
