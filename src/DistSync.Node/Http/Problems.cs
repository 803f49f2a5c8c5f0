using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Http;

/// <summary>RFC 9457 problem answers with the statuses API.md assigns.</summary>
public static class Problems
{
    public static IResult Of(int status, string title, string? detail = null) =>
        Results.Json(new ProblemDetails("about:blank", title, status, detail), DistSyncJson.Options, "application/problem+json", status);

    public static IResult BadRequest(string detail) => Of(StatusCodes.Status400BadRequest, "bad request", detail);
    public static IResult NotFound(string detail) => Of(StatusCodes.Status404NotFound, "not found", detail);
    public static IResult Conflict(string detail) => Of(StatusCodes.Status409Conflict, "conflict", detail);

    /// <summary>409 <c>version-mismatch</c> with the key's <c>currentVersion</c> (0: no such key), so a CAS loop can retry without a read.</summary>
    public static IResult VersionMismatch(long currentVersion) =>
        Results.Json(new ProblemDetails("about:blank", "conflict", StatusCodes.Status409Conflict, "version-mismatch") { CurrentVersion = currentVersion },
            DistSyncJson.Options, "application/problem+json", StatusCodes.Status409Conflict);

    public static IResult TooLarge(long limit) => Of(StatusCodes.Status413PayloadTooLarge, "request body too large", $"the body exceeds {limit} bytes");
    public static IResult Unavailable(string detail) => Of(StatusCodes.Status503ServiceUnavailable, "unavailable", detail);
}
