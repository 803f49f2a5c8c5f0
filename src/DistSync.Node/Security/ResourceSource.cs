namespace DistSync.Node.Security;

/// <summary>Where a route's resources (lock resources, queue names, keys, topics) are, for a prefix-restricted token.</summary>
public enum ResourceSource
{
    /// <summary>The route names none (sessions, status).</summary>
    None,

    /// <summary>The rest of the path after <see cref="RouteAccess.PathResource"/>.</summary>
    Path,

    /// <summary>Query parameters: <c>key</c>, <c>prefix</c>, <c>from</c>/<c>to</c>, <c>topic</c>; none of them means every key.</summary>
    Query,

    /// <summary>The JSON body: every <c>resource</c>, <c>queue</c>, <c>key</c>, <c>topic</c>, <c>prefix</c> and <c>from</c>/<c>to</c> in it.</summary>
    Body,

    /// <summary>The route lists every name (locks, queues, topics): not for a prefix-restricted token.</summary>
    Listing,
}
