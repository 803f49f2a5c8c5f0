using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// <c>POST /lock/acquire</c> answered 409: <see cref="Reason"/> is <c>timeout</c> (the wait passed its deadline),
/// <c>deadlock</c> (the transaction was the youngest in a wait-for cycle; its locks were released) or <c>conflict</c>
/// (a try-lock found the resource taken).
/// </summary>
public sealed class LockNotGrantedException(string resource, string reason, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Conflict, problem, $"lock '{resource}' not granted: {reason}")
{
    public string Resource { get; } = resource;
    public string Reason { get; } = reason;
}
