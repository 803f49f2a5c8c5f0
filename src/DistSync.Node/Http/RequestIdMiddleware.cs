using Serilog.Context;

namespace DistSync.Node.Http;

/// <summary>
/// Echoes <c>X-Request-Id</c> (or a new one) in the response and pushes it onto the log context, so every
/// log line about the request carries it (API.md).
/// </summary>
public sealed class RequestIdMiddleware(RequestDelegate next)
{
    public const string Header = "X-Request-Id";

    public async Task InvokeAsync(HttpContext context)
    {
        var id = context.Request.Headers[Header].ToString();
        // A client-chosen id is kept only when it is short and printable; anything else is replaced.
        if (id.Length is 0 or > 128 || id.Any(c => c < 0x21 || c > 0x7e)) id = Guid.NewGuid().ToString("N");
        context.TraceIdentifier = id;
        context.Response.Headers[Header] = id;
        using (LogContext.PushProperty("RequestId", id))
        {
            await next(context).ConfigureAwait(false);
        }
    }
}
