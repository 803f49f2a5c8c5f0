using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>The node answered with an error status; <see cref="Problem"/> carries its problem+json body when it sent one.</summary>
public class DistSyncApiException(HttpStatusCode statusCode, ProblemDetails? problem, string message)
    : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;
    public ProblemDetails? Problem { get; } = problem;
}
