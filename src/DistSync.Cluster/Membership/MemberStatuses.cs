using Akka.Cluster;

namespace DistSync.Cluster.Membership;

/// <summary>The member status words of API.md's <c>/status</c>, from Akka.Cluster's member status and reachability.</summary>
public static class MemberStatuses
{
    public const string Up = "up";
    public const string Unreachable = "unreachable";
    public const string Joining = "joining";
    public const string Leaving = "leaving";
    public const string Down = "down";

    /// <summary>Unreachability wins over up/joining/leaving: it is what an operator must see first. A downed member
    /// stays "down" whatever its reachability (it is on its way out).</summary>
    public static string Of(MemberStatus status, bool unreachable) => status switch
    {
        MemberStatus.Down => Down,
        _ when unreachable => Unreachable,
        MemberStatus.Up or MemberStatus.WeaklyUp => Up,
        MemberStatus.Joining => Joining,
        MemberStatus.Leaving or MemberStatus.Exiting => Leaving,
        _ => Down, // Removed: about to disappear from the list
    };
}
