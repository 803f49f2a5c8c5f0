using System.Globalization;
using System.Threading.RateLimiting;
using DistSync.Node.Http;
using Microsoft.AspNetCore.RateLimiting;
using Prometheus;

namespace DistSync.Node.Security;

/// <summary>
/// Per-client rate limits on the two calls that each append to the Raft log for a client that may loop on them:
/// session creation and lock acquire (issue 19, hardening). One token bucket per client and call, keyed by the
/// token's subject (set by <see cref="AccessMiddleware"/>, which runs first), else by the remote address. A request
/// over the rate gets 429 with Retry-After at once; nothing is queued.
/// </summary>
public static class ClientRateLimits
{
    public static void Add(IServiceCollection services, SecuritySettings settings, Counter limited)
    {
        services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => Partition(context, settings));
            options.OnRejected = async (rejected, ct) =>
            {
                var http = rejected.HttpContext;
                limited.WithLabels(http.Request.Path.Value ?? "").Inc();
                var retry = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                await Problems.Of(StatusCodes.Status429TooManyRequests, "too many requests",
                    $"this client is over its rate for {http.Request.Method} {http.Request.Path.Value}; retry after {retry.TotalSeconds:0.#} s").ExecuteAsync(http).ConfigureAwait(false);
            };
        });
    }

    private static RateLimitPartition<string> Partition(HttpContext context, SecuritySettings settings)
    {
        var request = context.Request;
        var perSecond = request.Method == "POST"
            ? request.Path.Value switch
            {
                "/session" => settings.SessionCreatesPerSecond,
                "/lock/acquire" => settings.AcquiresPerSecond,
                _ => 0,
            }
            : 0;
        if (perSecond == 0) return RateLimitPartition.GetNoLimiter("unlimited");
        var client = context.User.Identity is { IsAuthenticated: true, Name: { } name } ? "sub:" + name : "ip:" + context.Connection.RemoteIpAddress;
        return RateLimitPartition.GetTokenBucketLimiter($"{request.Path.Value} {client}", _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = 2 * perSecond,
            TokensPerPeriod = perSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
