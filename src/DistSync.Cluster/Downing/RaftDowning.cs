using Akka.Actor;

namespace DistSync.Cluster.Downing;

/// <summary>The node host's side of <see cref="RaftDowningProvider"/>.</summary>
public static class RaftDowning
{
    /// <summary>Downs <paramref name="member"/> in Akka.Cluster. Call only after the meta group committed its removal:
    /// a downed member is quarantined and cannot come back with the same incarnation.</summary>
    public static void Down(ActorSystem system, Address member, string reason)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(member);
        system.EventStream.Publish(new DownMember(member, reason ?? ""));
    }
}
