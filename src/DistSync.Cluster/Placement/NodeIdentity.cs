using Akka.Actor;

namespace DistSync.Cluster.Placement;

/// <summary>
/// How a cluster member tells the others its DistSync node id: as the cluster role <c>dsync-node:&lt;id&gt;</c>
/// (<c>akka.cluster.roles</c>), gossiped with its membership. Placement keys the ring by that id, not by address, so a
/// node restarted on another port keeps its place. A member without the role falls back to <c>host:port</c>.
/// </summary>
public static class NodeIdentity
{
    public const string RolePrefix = "dsync-node:";

    /// <summary>The role to put in <c>akka.cluster.roles</c> for <paramref name="nodeId"/>.</summary>
    public static string RoleFor(string nodeId)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        return RolePrefix + nodeId;
    }

    /// <summary>The node id of a member with these roles at this address.</summary>
    public static string NodeIdOf(IEnumerable<string> roles, Address address)
    {
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(address);
        foreach (var role in roles)
        {
            if (role.Length > RolePrefix.Length && role.StartsWith(RolePrefix, StringComparison.Ordinal))
                return role[RolePrefix.Length..];
        }
        return FallbackIdOf(address);
    }

    /// <summary>The node id of <paramref name="member"/>.</summary>
    public static string NodeIdOf(Akka.Cluster.Member member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return NodeIdOf(member.Roles, member.Address);
    }

    /// <summary><c>host:port</c>, the id of a member that has no <c>dsync-node:</c> role.</summary>
    public static string FallbackIdOf(Address address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return $"{address.Host}:{address.Port}";
    }
}
