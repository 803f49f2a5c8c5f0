using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// A compare-and-set <c>PUT /kv/{key}</c> found another version than expected (409 <c>version-mismatch</c>).
/// It is a <see cref="DistSyncApiException"/> with status 409, so generic handlers still see it.
/// </summary>
public sealed class VersionMismatchException(string key, long expectedVersion, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Conflict, problem, $"409 PUT /kv/{key}: version-mismatch (expected version {expectedVersion}" +
        (problem?.CurrentVersion is { } current ? $", current version {current})" : ")"))
{
    public string Key { get; } = key;
    public long ExpectedVersion { get; } = expectedVersion;

    /// <summary>The key's version the node met (0: the key does not exist); null from a node that does not send it.</summary>
    public long? CurrentVersion { get; } = problem?.CurrentVersion;
}
