using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace DistSync.Bench;

/// <summary>
/// <see cref="IKvLoadTarget"/> over etcd 3.4's JSON gRPC gateway: <c>/v3/kv/put</c>, <c>/v3/kv/range</c> (linearizable,
/// etcd's default), <c>/v3/kv/txn</c> and the streaming <c>/v3/watch</c> (one JSON object per line). Keys and values
/// are base64 on the wire. A key's "version" here is its <c>mod_revision</c>, the revision of its last write, which
/// is what DistSync's version is (the index of the key's last write); etcd's own per-key <c>version</c> counter has
/// no DistSync counterpart.
/// </summary>
internal sealed class EtcdKvTarget : IKvLoadTarget, IDisposable
{
    private readonly HttpClient[] _http;
    private readonly HttpClient[] _streams;

    /// <param name="cluster">its <see cref="EtcdCluster.Clients"/> carry the plain requests; watch streams get their own clients</param>
    public EtcdKvTarget(EtcdCluster cluster)
    {
        _http = cluster.Clients;
        _streams = new HttpClient[cluster.ClientPorts.Count];
        for (var i = 0; i < _streams.Length; i++)
            _streams[i] = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{cluster.ClientPorts[i]}/"), Timeout = Timeout.InfiniteTimeSpan };
    }

    public string Name => "etcd";

    public int Nodes => _http.Length;

    public async Task PutAsync(int node, string key, string value, ResponseBuffer buffer, CancellationToken ct)
    {
        using var response = await PostAsync(node, "v3/kv/put", $"{{\"key\":\"{B64(key)}\",\"value\":\"{B64(value)}\"}}", buffer, ct).ConfigureAwait(false);
    }

    public async Task<int> RangeAsync(int node, string prefix, int limit, ResponseBuffer buffer, CancellationToken ct)
    {
        var body = $"{{\"key\":\"{B64(prefix)}\",\"range_end\":\"{B64(PrefixEnd(prefix))}\",\"limit\":\"{limit.ToString(CultureInfo.InvariantCulture)}\"}}";
        using var response = await PostAsync(node, "v3/kv/range", body, buffer, ct).ConfigureAwait(false);
        return JsonScan.CountItems(buffer.Span, "kvs"u8);
    }

    public async Task<(bool Succeeded, long Version)> CompareAndSwapAsync(int node, string key, long expected, string value, ResponseBuffer buffer, CancellationToken ct)
    {
        var k = B64(key);
        var body = $"{{\"compare\":[{{\"key\":\"{k}\",\"result\":\"EQUAL\",\"target\":\"MOD\",\"mod_revision\":\"{expected.ToString(CultureInfo.InvariantCulture)}\"}}]," +
                   $"\"success\":[{{\"request_put\":{{\"key\":\"{k}\",\"value\":\"{B64(value)}\"}}}}],\"failure\":[{{\"request_range\":{{\"key\":\"{k}\"}}}}]}}";
        using var response = await PostAsync(node, "v3/kv/txn", body, buffer, ct).ConfigureAwait(false);
        if (JsonScan.GetBool(buffer.Span, "succeeded"u8))
        {
            // the put's mod_revision is the txn's revision, in the answer's header
            if (!JsonScan.TryGetLong(buffer.Span, "header"u8, "revision"u8, out var revision) || revision <= expected)
                throw new InvalidDataException($"POST /v3/kv/txn {body} answered {buffer.Text()}");
            return (true, revision);
        }
        using var doc = JsonDocument.Parse(buffer.Span.ToArray());
        var range = doc.RootElement.GetProperty("responses")[0].GetProperty("response_range");
        var current = range.TryGetProperty("kvs", out var kvs) && kvs.GetArrayLength() > 0
            ? long.Parse(kvs[0].GetProperty("mod_revision").GetString()!, CultureInfo.InvariantCulture)
            : 0;
        return (false, current);
    }

    public async Task WatchAsync(int node, string key, Action onCreated, Action<string, long> onPut, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v3/watch")
        {
            Content = new StringContent($"{{\"create_request\":{{\"key\":\"{B64(key)}\"}}}}", Encoding.UTF8, "application/json"),
        };
        using var response = await _streams[node].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"POST /v3/watch answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)}");
        await using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(ct).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0) continue;
            var at = Stopwatch.GetTimestamp();
            using var doc = JsonDocument.Parse(line);
            if (!doc.RootElement.TryGetProperty("result", out var result))
                throw new InvalidDataException($"etcd watch {key} on member {node + 1}: {line}");
            if (result.TryGetProperty("canceled", out var canceled) && canceled.GetBoolean())
                throw new InvalidDataException($"etcd watch {key} on member {node + 1} canceled: {line}");
            if (result.TryGetProperty("created", out var created) && created.GetBoolean()) onCreated();
            if (!result.TryGetProperty("events", out var events)) continue;
            foreach (var e in events.EnumerateArray())
            {
                // PUT is the enum's zero value, which the gateway omits
                if (e.TryGetProperty("type", out var type) && type.GetString() != "PUT") continue;
                var value = e.GetProperty("kv").TryGetProperty("value", out var v) ? Encoding.UTF8.GetString(v.GetBytesFromBase64()) : "";
                onPut(value, at);
            }
        }
        throw new HttpRequestException($"etcd watch {key} on member {node + 1}: the stream ended");
    }

    public void Dispose()
    {
        foreach (var c in _streams) c.Dispose(); // the plain clients belong to the EtcdCluster
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    /// <summary>etcd's range end of a prefix: the prefix with its last byte incremented (ASCII prefixes here).</summary>
    private static string PrefixEnd(string prefix) => prefix[..^1] + (char)(prefix[^1] + 1);

    private async Task<HttpResponseMessage> PostAsync(int node, string path, string body, ResponseBuffer buffer, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var response = await _http[node].SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        await buffer.ReadAsync(response, ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return response;
        response.Dispose();
        throw new HttpRequestException($"POST /{path} {body} answered {(int)response.StatusCode}: {buffer.Text()}");
    }
}
