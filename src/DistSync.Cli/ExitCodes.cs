using System.Net;
using System.Text.Json;
using DistSync.Client;

namespace DistSync.Cli;

/// <summary>
/// The exit codes of every <c>dsync</c> verb, one per kind of outcome so a script can branch without reading
/// stderr. Printed by <c>dsync help exit-codes</c> and below <c>dsync --help</c>; never renumber.
/// </summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The node answered an error not listed below (500, 410, …), or an answer the CLI could not read.</summary>
    public const int Failed = 1;

    /// <summary>A bad option or argument, or a request the node refused as invalid (400, 413).</summary>
    public const int Usage = 2;

    /// <summary>The thing asked about is not there: key, session, receipt, queue, member; a lock not held; no message ready.</summary>
    public const int NotFound = 3;

    /// <summary>409: version-mismatch, lock not granted (timeout, deadlock, conflict), stale-fence, stale-sequence; a <c>kv txn</c> whose compares failed.</summary>
    public const int Conflict = 4;

    /// <summary>No node answered (refused, reset, timed out), or 503: no quorum or leader within the deadline; safe to retry.</summary>
    public const int Unavailable = 5;

    /// <summary>401 or 403: the node has security on and refused the token (missing, invalid, expired) or its right (role, prefix).</summary>
    public const int Denied = 6;

    /// <summary>The table as <c>dsync help exit-codes</c> prints it.</summary>
    public static readonly string Table = string.Join(Environment.NewLine,
        "Exit codes:",
        $"  {Ok}  ok",
        $"  {Failed}  other error: the node answered another error (e.g. 500, 410) or an unreadable answer; or interrupted while waiting",
        $"  {Usage}  usage error: bad option or argument, or a request the node refused as invalid (400, 413)",
        $"  {NotFound}  not found: no such key, session, receipt, queue or member; lock not held; no message ready",
        $"  {Conflict}  conflict (409): version-mismatch, lock timeout / deadlock / conflict, stale-fence, stale-sequence; kv txn compares failed",
        $"  {Unavailable}  unavailable: no node reachable (refused, timed out), or 503 (no quorum / no leader in time; safe to retry)",
        $"  {Denied}  denied (401/403): a missing, invalid or expired token (--token, $DSYNC_TOKEN), or one without the role or prefix");

    /// <summary>The exit code of a failure the verbs let through; null for an exception that is a bug, not an outcome.</summary>
    public static int? For(Exception e) => e switch
    {
        NodeUnreachableException => Unavailable,
        // A 404 without the node's problem body is a node that lacks the route (an older version), not a missing thing.
        DistSyncApiException { StatusCode: HttpStatusCode.NotFound, Problem: null } => Failed,
        DistSyncApiException api => ForStatus(api.StatusCode),
        ArgumentException => Usage,
        InvalidDataException or JsonException => Failed,
        _ => null,
    };

    public static int ForStatus(HttpStatusCode status) => status switch
    {
        HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge => Usage,
        HttpStatusCode.NotFound => NotFound,
        HttpStatusCode.Conflict => Conflict,
        HttpStatusCode.ServiceUnavailable => Unavailable,
        HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => Denied,
        _ => Failed,
    };
}
