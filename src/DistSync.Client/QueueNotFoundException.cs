using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>A queue route answered the node's own 404: no queue of that name exists.</summary>
public sealed class QueueNotFoundException(string queue, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.NotFound, problem, $"queue '{queue}': {problem?.Detail ?? "not found"}")
{
    public string Queue { get; } = queue;
}
