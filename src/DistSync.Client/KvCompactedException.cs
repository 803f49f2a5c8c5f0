using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// A watch asked for (or fell behind to) changes the store no longer keeps: 410 from <c>GET /kv/watch</c>, or an
/// <c>event: compacted</c> ending the stream. <see cref="OldestVersion"/> is the oldest version still watchable.
/// Read the current state with a range and watch from its revision + 1 (the recipes do that themselves).
/// </summary>
public sealed class KvCompactedException(KvRange range, long? requested, long oldestVersion, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Gone, problem,
        $"watch of {range}: changes before version {oldestVersion} are compacted" + (requested is { } r ? $" (asked from {r})" : ""))
{
    public KvRange Range { get; } = range;

    /// <summary>The version the watch needed next, when known.</summary>
    public long? Requested { get; } = requested;

    public long OldestVersion { get; } = oldestVersion;
}
