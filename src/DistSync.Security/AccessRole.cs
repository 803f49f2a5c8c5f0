namespace DistSync.Security;

/// <summary>What a client token allows; each role includes the ones below it (issue 19, RBAC).</summary>
public enum AccessRole
{
    /// <summary>Gets, status, stats, subscribe.</summary>
    Reader = 1,

    /// <summary>Plus locks, sessions, produce/consume/ack, cache and KV writes, publish.</summary>
    Writer = 2,

    /// <summary>Plus cluster, Raft and fault routes.</summary>
    Admin = 3,
}
