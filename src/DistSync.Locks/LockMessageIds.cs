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
    public const uint LockResult = 3009;
    public const uint SessionCreatedResult = 3010;
    public const uint SessionKeptAliveResult = 3011;
    public const uint SessionDeletedResult = 3012;
    public const uint LockGrantedResult = 3013;
    public const uint LockQueuedResult = 3014;
    public const uint LockReleasedResult = 3015;
    public const uint WaitCancelledResult = 3016;
    public const uint ExpiryAppliedResult = 3017;
    public const uint CommandFailedResult = 3018;

    /// <summary>First id of the lock service's block.</summary>
    public const uint First = 3000;

    /// <summary>Last id of the lock service's block.</summary>
    public const uint Last = 3999;
}
