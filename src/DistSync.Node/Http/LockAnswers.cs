using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Locks;
using DistSync.Node.Hosting;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// What the session and lock routes share: proposing a lock command to the meta group and turning the state
/// machine's answers into API.md statuses (409 <c>timeout</c>/<c>deadlock</c>/<c>conflict</c> in <c>detail</c>, 404
/// unknown session or not held, 400 invalid with the field named).
/// </summary>
internal static class LockAnswers
{
    public static async Task<LockCommandResult> ProposeAsync(IRaftGroup meta, DistSync.Locks.Wire.LockCommand command, CancellationToken ct)
    {
        var bytes = await meta.ProposeAsync(MetaStateMachine.LockCommand(command), ct).ConfigureAwait(false);
        return LockResults.Decode(bytes.Span);
    }

    public static IResult Failure(CommandFailed failed) => failed.Reason switch
    {
        LockFailureReason.Timeout => NotGranted("timeout"),
        LockFailureReason.Deadlock => Deadlock(failed.Released),
        LockFailureReason.Conflict => NotGranted("conflict"),
        LockFailureReason.UnknownSession => Problems.NotFound(failed.Detail),
        LockFailureReason.NotHeld => Problems.NotFound(failed.Detail),
        _ => Problems.BadRequest(failed.Detail),
    };

    /// <summary>409 with the reason alone in <c>detail</c>, as clients match on it.</summary>
    public static IResult NotGranted(string reason) => Problems.Of(StatusCodes.Status409Conflict, "lock not granted", reason);

    /// <summary>409 <c>deadlock</c>, listing in <c>released</c> the resources whose holds the aborted transaction lost (API.md).</summary>
    public static IResult Deadlock(IReadOnlyList<string> released) =>
        Results.Json(new ProblemDetails("about:blank", "lock not granted", StatusCodes.Status409Conflict, "deadlock") { Released = released },
            DistSyncJson.Options, "application/problem+json", StatusCodes.Status409Conflict);

    public static IResult Unexpected(LockCommandResult result) =>
        Problems.Of(StatusCodes.Status500InternalServerError, "internal error", $"the lock service answered {result.GetType().Name}");

    public static IResult Unavailable(NodeSettings settings, string reason, string? leaderHint) =>
        Problems.Unavailable($"no quorum within {(long)settings.RequestTimeout.TotalMilliseconds} ms ({reason}); safe to retry"
            + (leaderHint is null ? "" : $"; leader believed to be {leaderHint}"));

    public static string ModeName(LockMode mode) => mode == LockMode.Shared ? "shared" : "exclusive";

    public static LockStatusResponse ToResponse(LockStatus status)
    {
        var holders = new List<LockHolderInfo>(status.Holders.Count);
        foreach (var h in status.Holders) holders.Add(new LockHolderInfo(h.SessionId, h.FencingToken, h.SinceMs, ModeName(h.Mode), h.TxnId));
        var waiters = new List<LockWaiterInfo>(status.Waiters.Count);
        foreach (var w in status.Waiters) waiters.Add(new LockWaiterInfo(w.SessionId, ModeName(w.Mode), w.TxnId));
        return new LockStatusResponse(status.Resource, status.ModeName, holders, waiters);
    }

    /// <summary>Types a handler that takes only the context, so minimal APIs do not bind it as a RequestDelegate (whose result would be dropped).</summary>
    public static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    public static IResult Json<T>(T value, int status = StatusCodes.Status200OK) => Results.Json(value, DistSyncJson.Options, statusCode: status);
}
