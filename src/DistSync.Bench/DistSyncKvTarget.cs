using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DistSync.Bench;

/// <summary>
/// <see cref="IKvLoadTarget"/> over DistSync's HTTP API (docs/KV.md): <c>PUT /kv/{key}</c>, <c>GET /kv?prefix=</c>,
/// <c>POST /kv/txn</c>, and <c>GET /kv/watch</c> read as Server-Sent Events. Plain requests with a 10 s deadline
/// share one HttpClient per node; watch streams use a second one without a deadline.
/// </summary>
internal sealed class DistSyncKvTarget : IKvLoadTarget, IDisposable
{
    private readonly HttpClient[] _http;
    private readonly HttpClient[] _streams;

    public DistSyncKvTarget(NodeCluster cluster)
    {
        _http = new HttpClient[cluster.HttpPorts.Count];
        _streams = new HttpClient[cluster.HttpPorts.Count];
        for (var i = 0; i < _http.Length; i++)
        {
            _http[i] = cluster.Http(i, TimeSpan.FromSeconds(10));
            _streams[i] = cluster.Http(i, Timeout.InfiniteTimeSpan);
        }
    }

    public string Name => "DistSync";

    public int Nodes => _http.Length;

    public async Task PutAsync(int node, string key, string value, ResponseBuffer buffer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, "kv/" + key) { Content = Json($"{{\"value\":\"{value}\"}}") };
        using var response = await SendAsync(node, request, buffer, ct).ConfigureAwait(false);
    }

    public async Task<int> RangeAsync(int node, string prefix, int limit, ResponseBuffer buffer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get,
            $"kv?prefix={Uri.EscapeDataString(prefix)}&limit={limit.ToString(CultureInfo.InvariantCulture)}&consistency=linearizable");
        using var response = await SendAsync(node, request, buffer, ct).ConfigureAwait(false);
        if (JsonScan.GetBool(buffer.Span, "more"u8)) throw new InvalidDataException($"GET {request.RequestUri} answered more=true: {buffer.Text()}");
        return JsonScan.CountItems(buffer.Span, "kvs"u8);
    }

    public async Task<(bool Succeeded, long Version)> CompareAndSwapAsync(int node, string key, long expected, string value, ResponseBuffer buffer, CancellationToken ct)
    {
        var body = $"{{\"compare\":[{{\"key\":\"{key}\",\"version\":{expected.ToString(CultureInfo.InvariantCulture)}}}]," +
                   $"\"success\":[{{\"op\":\"put\",\"key\":\"{key}\",\"value\":\"{value}\"}}],\"failure\":[{{\"op\":\"get\",\"key\":\"{key}\"}}]}}";
        using var request = new HttpRequestMessage(HttpMethod.Post, "kv/txn") { Content = Json(body) };
        using var response = await SendAsync(node, request, buffer, ct).ConfigureAwait(false);
        if (JsonScan.GetBool(buffer.Span, "succeeded"u8))
        {
            if (!JsonScan.TryGetLong(buffer.Span, default, "version"u8, out var version) || version <= expected)
                throw new InvalidDataException($"POST /kv/txn {body} answered {buffer.Text()}");
            return (true, version);
        }
        // the failure branch's get: the key's current version (0 when it is absent)
        using var doc = JsonDocument.Parse(buffer.Span.ToArray());
        var get = doc.RootElement.GetProperty("results")[0];
        var current = get.GetProperty("found").GetBoolean() ? get.GetProperty("version").GetInt64() : 0;
        return (false, current);
    }

    public async Task WatchAsync(int node, string key, Action onCreated, Action<string, long> onPut, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "kv/watch?key=" + Uri.EscapeDataString(key));
        using var response = await _streams[node].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"GET {request.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? eventName = null;
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                eventName = null; // an SSE event ends at a blank line
                continue;
            }
            if (line[0] == ':') continue; // keep-alive comment
            if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                eventName = line[6..].Trim();
                continue;
            }
            if (!line.StartsWith("data:", StringComparison.Ordinal)) continue; // id:, retry:
            var at = Stopwatch.GetTimestamp();
            switch (eventName)
            {
                case "created":
                    onCreated();
                    break;
                case "put":
                    using (var doc = JsonDocument.Parse(line.AsMemory(5)))
                        onPut(doc.RootElement.GetProperty("value").GetString() ?? "", at);
                    break;
                case "delete":
                    break;
                default:
                    throw new InvalidDataException($"watch {key} on node {node + 1}: unexpected event '{eventName}': {line}");
            }
        }
        throw new HttpRequestException($"watch {key} on node {node + 1}: the stream ended");
    }

    public void Dispose()
    {
        foreach (var c in _http) c.Dispose();
        foreach (var c in _streams) c.Dispose();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    /// <summary>Sends <paramref name="request"/> to node <paramref name="node"/> and reads the body into <paramref name="buffer"/>; HttpRequestException unless 2xx.</summary>
    private async Task<HttpResponseMessage> SendAsync(int node, HttpRequestMessage request, ResponseBuffer buffer, CancellationToken ct)
    {
        var response = await _http[node].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await buffer.ReadAsync(response, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        response.Dispose();
        throw new HttpRequestException($"{request.Method} {request.RequestUri} answered {(int)response.StatusCode}: {buffer.Text()}");
    }
}
