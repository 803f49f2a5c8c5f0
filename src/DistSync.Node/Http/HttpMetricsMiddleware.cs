using System.Diagnostics;
using DistSync.Node.Metrics;

namespace DistSync.Node.Http;

/// <summary>Times every request and counts it by its endpoint's route template (set by routing, so this runs after
/// it), keeping the route label bounded whatever paths clients send.</summary>
public sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        var status = StatusCodes.Status500InternalServerError; // what the host answers when an exception escapes
        try
        {
            await next(context).ConfigureAwait(false);
            status = context.Response.StatusCode;
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            metrics.Observe(MethodOf(context.Request.Method), route, status, Stopwatch.GetElapsedTime(started));
        }
    }

    // Any other method a client invents would be a new label value: folded into one.
    private static string MethodOf(string method) =>
        HttpMethods.IsGet(method) ? HttpMethods.Get : HttpMethods.IsPost(method) ? HttpMethods.Post : HttpMethods.IsPut(method) ? HttpMethods.Put
        : HttpMethods.IsDelete(method) ? HttpMethods.Delete : HttpMethods.IsHead(method) ? HttpMethods.Head : HttpMethods.IsPatch(method) ? HttpMethods.Patch
        : HttpMethods.IsOptions(method) ? HttpMethods.Options : "OTHER";
}
