using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// A fenced write answered 409 <c>stale-fence</c>: the resource has been granted again since
/// <see cref="FencingToken"/>, so the writer no longer holds the lock it fenced with and must not retry with that token.
/// It is a <see cref="DistSyncApiException"/> with status 409, so generic handlers still see it.
/// </summary>
public sealed class StaleFenceException(string target, FenceToken fence, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Conflict, problem,
        $"write to '{target}' refused: stale-fence (fencing token {fence.FencingToken} of '{fence.Resource}' is older than its latest grant)")
{
    /// <summary>API.md's <c>detail</c> of this 409.</summary>
    public const string Code = "stale-fence";

    /// <summary>What the write went to: the queue's name for a produce.</summary>
    public string Target { get; } = target;

    public string Resource { get; } = fence.Resource ?? "";
    public long FencingToken { get; } = fence.FencingToken;
}
