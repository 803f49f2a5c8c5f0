using System.Text.Json;
using DistSync.Node.Http;
using DistSync.Security;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.Tokens;
using Prometheus;

namespace DistSync.Node.Security;

/// <summary>
/// Checks every request against <see cref="AccessPolicy"/> when security is on: the bearer token (validated by
/// JwtBearer with the cluster key), the role the route needs, and, for a prefix-restricted token, every resource
/// the request names. 401 for a missing or invalid token (with the reason: missing, expired, bad signature, ...),
/// 403 for a valid token without the right. Refusals and privileged actions go to the audit log and to
/// <c>dsync_security_denied_total{reason}</c>.
/// </summary>
public sealed class AccessMiddleware(RequestDelegate next, SecuritySettings settings, AuditLog audit, string nodeId, Counter denied, Serilog.ILogger log)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        var access = AccessPolicy.For(request.Method, path, settings.MetricsOpen);
        if (access.Open)
        {
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(context, access, null, 401, "missing-token", "this node needs 'Authorization: Bearer <token>' (dsync token issue)").ConfigureAwait(false);
            return;
        }
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme).ConfigureAwait(false);
        if (!result.Succeeded || result.Principal is null)
        {
            var (reason, detail) = Why(result.Failure);
            await RefuseAsync(context, access, null, 401, reason, detail).ConfigureAwait(false);
            return;
        }
        var principal = result.Principal;
        if (!ClientTokens.TryReadGrant(principal, out var role, out var prefix))
        {
            await RefuseAsync(context, access, null, 401, "no-role", "the token carries no known role (reader, writer or admin)").ConfigureAwait(false);
            return;
        }
        context.User = principal;
        if (role < access.Role)
        {
            await RefuseAsync(context, access, null, 403, "role",
                $"a {AccessRoles.Name(role)} token may not call {access.Action}; it needs {AccessRoles.Name(access.Role)}").ConfigureAwait(false);
            return;
        }

        string? resource = access.Resources == ResourceSource.Path ? path[access.PathResource.Length..] : null;
        if (prefix.Length > 0 || (access.Privileged && access.Resources == ResourceSource.Body))
        {
            string? uncovered, named;
            bool malformed;
            try
            {
                (uncovered, named, malformed) = await CheckResourcesAsync(context, access, path, prefix).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                await RefuseAsync(context, access, resource, 413, "too-large", "the body is larger than dsync.http.max-request-body").ConfigureAwait(false);
                return;
            }
            resource ??= named;
            if (malformed)
            {
                await RefuseAsync(context, access, resource, 400, "malformed-body", "the body is not valid JSON").ConfigureAwait(false);
                return;
            }
            if (uncovered is not null)
            {
                var detail = access.Resources == ResourceSource.Listing
                    ? $"a token restricted to '{prefix}' cannot call {access.Action}, which lists every name"
                    : $"'{uncovered}' is outside the token's prefix '{prefix}'";
                await RefuseAsync(context, access, uncovered, 403, "prefix", detail).ConfigureAwait(false);
                return;
            }
        }

        await next(context).ConfigureAwait(false);
        if (access.Privileged)
            audit.Record(Record(context, access, resource, context.Response.StatusCode < 400 ? "allowed" : "failed", context.Response.StatusCode, null));
    }

    /// <summary>The first resource outside <paramref name="prefix"/> (null: all inside), the body's own <c>resource</c>
    /// field for the audit line, and whether the body could not be read as JSON.</summary>
    private static async Task<(string? Uncovered, string? Named, bool Malformed)> CheckResourcesAsync(HttpContext context, RouteAccess access, string path, string prefix)
    {
        switch (access.Resources)
        {
            case ResourceSource.Listing:
                return (prefix.Length > 0 ? access.Action : null, null, false);
            case ResourceSource.Path:
                var name = path[access.PathResource.Length..];
                return (ResourcePrefix.Covers(prefix, name) ? null : name, name, false);
            case ResourceSource.Query:
                var query = context.Request.Query;
                return (prefix.Length == 0 ? null : AccessPolicy.UncoveredInQuery(prefix, n => query.TryGetValue(n, out var v) ? v.ToString() : null), null, false);
            case ResourceSource.Body:
                context.Request.EnableBuffering();
                try
                {
                    using var body = await JsonDocument.ParseAsync(context.Request.Body, default, context.RequestAborted).ConfigureAwait(false);
                    var named = body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("resource", out var r) && r.ValueKind == JsonValueKind.String
                        ? r.GetString() : null;
                    return (prefix.Length == 0 ? null : AccessPolicy.UncoveredInBody(prefix, body.RootElement), named, false);
                }
                catch (JsonException)
                {
                    return (null, null, true);
                }
                finally
                {
                    context.Request.Body.Position = 0;
                }
            default:
                return (null, null, false);
        }
    }

    private static (string Reason, string Detail) Why(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => ("expired", "the token has expired"),
        SecurityTokenNotYetValidException => ("not-yet-valid", "the token is not valid yet"),
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => ("bad-signature", "the token is not signed with this cluster's key"),
        SecurityTokenInvalidAudienceException or SecurityTokenInvalidIssuerException => ("wrong-issuer", "the token was not issued for this cluster's API"),
        SecurityTokenInvalidAlgorithmException => ("bad-algorithm", "the token's signing algorithm is not HS256"),
        SecurityTokenMalformedException or ArgumentException => ("malformed", "the token is not a well-formed JWT"),
        _ => ("invalid", "the token is not valid"),
    };

    private async Task RefuseAsync(HttpContext context, RouteAccess access, string? resource, int status, string reason, string detail)
    {
        denied.WithLabels(reason).Inc();
        audit.Record(Record(context, access, resource, "denied", status, reason));
        log.Debug("refused {Method} {Path}: {Status} {Reason}", context.Request.Method, context.Request.Path.Value, status, reason);
        if (status == 401)
            context.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{detail.Replace('"', '\'')}\"";
        var title = status switch { 401 => "unauthorized", 403 => "forbidden", 413 => "request body too large", _ => "bad request" };
        await Problems.Of(status, title, detail).ExecuteAsync(context).ConfigureAwait(false);
    }

    private AuditRecord Record(HttpContext context, RouteAccess access, string? resource, string outcome, int status, string? reason)
    {
        var user = context.User;
        var principal = user.Identity is { IsAuthenticated: true, Name: { } name } ? name : "anonymous";
        var role = user.FindFirst(ClientTokens.RoleClaim)?.Value ?? "";
        var remote = context.Connection.RemoteIpAddress is { } ip ? $"{ip}:{context.Connection.RemotePort}" : "";
        return new AuditRecord(DateTimeOffset.UtcNow, nodeId, principal, role, remote, access.Action, context.Request.Method,
            context.Request.Path.Value ?? "", resource, outcome, status, reason, context.TraceIdentifier);
    }
}
