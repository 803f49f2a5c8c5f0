using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// <c>POST /lock/acquire</c> answered 409: <see cref="Reason"/> is <c>timeout</c> (the wait passed its deadline),
/// <c>deadlock</c> (the transaction was the youngest in a wait-for cycle; its locks were released, see
/// <see cref="Released"/>) or <c>conflict</c> (a try-lock found the resource taken).
/// </summary>
public sealed class LockNotGrantedException(string resource, string reason, ProblemDetails? problem)
    : DistSyncApiException(HttpStatusCode.Conflict, problem, Describe(resource, reason, problem?.Released))
{
    public string Resource { get; } = resource;
    public string Reason { get; } = reason;

    /// <summary>
    /// For <c>deadlock</c>: the resources the aborted transaction no longer holds (sorted); the caller must treat
    /// them as lost. Empty for the other reasons (and from a node that does not send the list).
    /// </summary>
    public IReadOnlyList<string> Released { get; } = problem?.Released ?? [];

    private static string Describe(string resource, string reason, IReadOnlyList<string>? released) =>
        $"lock '{resource}' not granted: {reason}" + (released is { Count: > 0 } ? $" (released: {string.Join(", ", released)})" : "");
}
