using DistSync.Security;

namespace DistSync.Node.Security;

/// <summary>What one HTTP route needs: no token at all, or a role; whether an allowed call is written to the audit
/// log; and where the resources it names are found, for prefix-restricted tokens.</summary>
/// <param name="Open">No token needed (/health, the dashboard's static files, /metrics when configured open).</param>
/// <param name="Role">The least role that may call it.</param>
/// <param name="Action">A short name of the action for the audit log (<c>lock.acquire</c>, <c>cluster.down</c>).</param>
/// <param name="Privileged">An allowed call is audited too (cluster changes, transfers, session deletes, lock grants and releases, faults).</param>
/// <param name="Resources">Where the named resources are, or <see cref="ResourceSource.Listing"/> for a route that lists every name.</param>
/// <param name="PathResource">For <see cref="ResourceSource.Path"/>: the route's path after this prefix is the resource.</param>
public sealed record RouteAccess(bool Open, AccessRole Role, string Action, bool Privileged, ResourceSource Resources, string PathResource = "")
{
    public static RouteAccess Public(string action) => new(true, AccessRole.Reader, action, false, ResourceSource.None);
}
