using System.Net.Http.Json;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// Typed client of one node's HTTP API (../shared/API.md). Any node serves every route and forwards
/// to the leader itself, so the client needs only one address. Thread-safe; reuse one instance.
/// </summary>
public sealed class DistSyncClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <param name="node"><c>host:port</c> or a full <c>http://</c> URL.</param>
    public DistSyncClient(string node, TimeSpan? timeout = null)
        : this(new HttpClient { BaseAddress = ToBaseUri(node), Timeout = timeout ?? TimeSpan.FromSeconds(10) }, ownsHttp: true)
    {
    }

    public DistSyncClient(HttpClient http, bool ownsHttp = false)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        if (_http.BaseAddress is null) throw new ArgumentException("HttpClient.BaseAddress must be set", nameof(http));
        _ownsHttp = ownsHttp;
    }

    public Uri BaseAddress => _http.BaseAddress!;

    public static Uri ToBaseUri(string node)
    {
        if (string.IsNullOrWhiteSpace(node)) throw new ArgumentException("node address is empty", nameof(node));
        var text = node.Contains("://", StringComparison.Ordinal) ? node : "http://" + node;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "http" && uri.Scheme != "https"))
            throw new ArgumentException($"'{node}' is not a node address (expected host:port or http://host:port)", nameof(node));
        return uri;
    }

    /// <summary><c>GET /health</c>. A 503 (no leader seen) is returned as a value, not thrown.</summary>
    public async Task<(bool Healthy, HealthResponse? Body)> GetHealthAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "health"), ct).ConfigureAwait(false);
        var body = await ReadJsonOrDefaultAsync<HealthResponse>(response, ct).ConfigureAwait(false);
        return (response.IsSuccessStatusCode, body);
    }

    /// <summary><c>GET /status</c>.</summary>
    public Task<StatusResponse> GetStatusAsync(CancellationToken ct = default) =>
        GetJsonAsync<StatusResponse>("status", ct);

    internal async Task<T> GetJsonAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, ct).ConfigureAwait(false);
    }

    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException(BaseAddress.Authority, e);
        }
        catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new NodeUnreachableException(BaseAddress.Authority, new TimeoutException($"no answer within {_http.Timeout.TotalSeconds:0.#} s", e));
        }
        finally
        {
            request.Dispose();
        }
    }

    internal static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode) return;
        var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
        var what = problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "error";
        throw new DistSyncApiException(response.StatusCode, problem,
            $"{(int)response.StatusCode} {response.RequestMessage?.Method} /{response.RequestMessage?.RequestUri?.AbsolutePath.TrimStart('/')}: {what}");
    }

    internal static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        var value = await response.Content.ReadFromJsonAsync<T>(DistSyncJson.Options, ct).ConfigureAwait(false);
        return value ?? throw new InvalidDataException($"the node answered {(int)response.StatusCode} with an empty body where {typeof(T).Name} was expected");
    }

    private static async Task<T?> ReadJsonOrDefaultAsync<T>(HttpResponseMessage response, CancellationToken ct) where T : class
    {
        try
        {
            if (response.Content.Headers.ContentLength == 0) return null;
            return await response.Content.ReadFromJsonAsync<T>(DistSyncJson.Options, ct).ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
        catch (NotSupportedException)
        {
            return null; // not JSON at all (e.g. a proxy's HTML page)
        }
    }

    public void Dispose()
    {
        if (_ownsHttp) _http.Dispose();
    }
}
