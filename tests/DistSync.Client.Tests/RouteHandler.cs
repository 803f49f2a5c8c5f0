using System.Net;
using System.Text;

namespace DistSync.Client.Tests;

/// <summary>
/// Tests only: answers each request with what <c>answer</c> returns for it, and records every request (its host,
/// path and query, headers and body), so a spec can check a sequence of calls such as a paging loop or a reconnect.
/// </summary>
internal sealed class RouteHandler(Func<RouteHandler.Seen, HttpResponseMessage> answer) : HttpMessageHandler
{
    public sealed record Seen(HttpMethod Method, string Host, string PathAndQuery, string? LastEventId, string? Body)
    {
        public string Query => PathAndQuery.Contains('?') ? PathAndQuery[PathAndQuery.IndexOf('?')..] : "";
    }

    private readonly List<Seen> _seen = [];

    public IReadOnlyList<Seen> Requests
    {
        get
        {
            lock (_seen) return [.. _seen];
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var lastEventId = request.Headers.TryGetValues("Last-Event-ID", out var ids) ? string.Join(",", ids) : null;
        var seen = new Seen(request.Method, request.RequestUri!.Host, request.RequestUri.PathAndQuery, lastEventId, body);
        lock (_seen) _seen.Add(seen);
        var response = answer(seen);
        response.RequestMessage = request;
        return response;
    }

    public static HttpResponseMessage Json(string json, HttpStatusCode status = HttpStatusCode.OK) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, status < HttpStatusCode.BadRequest ? "application/json" : "application/problem+json") };

    /// <summary>An SSE answer with <paramref name="events"/> as its body; with <paramref name="breakAfter"/> the body then fails as a reset connection would.</summary>
    public static HttpResponseMessage Sse(string events, bool breakAfter = false)
    {
        var bytes = Encoding.UTF8.GetBytes(events);
        var content = new StreamContent(breakAfter ? new BreakingStream(bytes) : new MemoryStream(bytes));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("text/event-stream");
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>Reads its bytes, then throws <see cref="IOException"/> instead of reporting the end.</summary>
    private sealed class BreakingStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await base.ReadAsync(buffer, cancellationToken);
            return n > 0 ? n : throw new IOException("connection reset by peer (test)");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = base.Read(buffer, offset, count);
            return n > 0 ? n : throw new IOException("connection reset by peer (test)");
        }
    }
}
