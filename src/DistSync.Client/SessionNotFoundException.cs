using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>A session route or an acquire answered 404: the session does not exist, expired, or was deleted (or the wait was cancelled).</summary>
public sealed class SessionNotFoundException(string sessionId, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.NotFound, problem, $"session '{sessionId}': {problem?.Detail ?? "not found"}")
{
    public string SessionId { get; } = sessionId;
}
