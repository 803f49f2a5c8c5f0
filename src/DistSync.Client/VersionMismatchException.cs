using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// A compare-and-set <c>PUT /kv/{key}</c> found another version than expected (409 <c>version-mismatch</c>).
/// It is a <see cref="DistSyncApiException"/> with status 409, so generic handlers still see it.
/// </summary>
public sealed class VersionMismatchException(string key, long expectedVersion, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Conflict, problem, $"409 PUT /kv/{key}: version-mismatch (expected version {expectedVersion})")
{
    public string Key { get; } = key;
    public long ExpectedVersion { get; } = expectedVersion;
}
