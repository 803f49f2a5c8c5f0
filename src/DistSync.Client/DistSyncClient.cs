using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// Typed client of the HTTP API (docs/API.md). Any node serves every route and forwards to the leader itself, so one
/// address is enough; given several, a request that meets a node that is down (refused, reset, no answer in time) or
/// a 503 is sent to the next one, and the client keeps using the last node that answered. Thread-safe; reuse one instance.
/// </summary>
public sealed partial class DistSyncClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;

    /// <summary>The nodes in the order given; requests start at <see cref="_current"/>, the last one that answered.</summary>
    private readonly IReadOnlyList<Uri> _endpoints;

    private int _current;

    /// <summary>
    /// The deadline this client puts on each request, which a long poll extends by its wait; null when the caller's
    /// <see cref="HttpClient"/> keeps its own <see cref="HttpClient.Timeout"/> (that one cannot be extended per request).
    /// </summary>
    private readonly TimeSpan? _timeout;

    /// <param name="node"><c>host:port</c> or a full <c>http://</c> URL.</param>
    /// <param name="timeout">How long to wait for each answer (default 10 s); a long-polling consume waits its wait on top.</param>
    public DistSyncClient(string node, TimeSpan? timeout = null)
        : this([node], timeout)
    {
    }

    /// <param name="endpoints">Nodes (<c>host:port</c> or URLs) to fail over between, in order of preference.</param>
    /// <param name="timeout">How long to wait for each node's answer (default 10 s): a request that tries every node may take that long per node.</param>
    public DistSyncClient(IEnumerable<string> endpoints, TimeSpan? timeout = null)
        : this(endpoints, new SocketsHttpHandler(), timeout)
    {
    }

    /// <param name="endpoints">Nodes to fail over between, in order of preference.</param>
    /// <param name="handler">Sends the requests (a proxy, TLS settings, a test double); the client disposes it.</param>
    /// <param name="timeout">How long to wait for each node's answer (default 10 s).</param>
    public DistSyncClient(IEnumerable<string> endpoints, HttpMessageHandler handler, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(handler);
        _endpoints = endpoints.Select(ToBaseUri).ToArray();
        if (_endpoints.Count == 0) throw new ArgumentException("no node address given", nameof(endpoints));
        _http = new HttpClient(handler) { BaseAddress = _endpoints[0], Timeout = Timeout.InfiniteTimeSpan };
        _ownsHttp = true;
        _timeout = timeout ?? TimeSpan.FromSeconds(10);
    }

    /// <param name="http">Its <see cref="HttpClient.Timeout"/> bounds every request, so it must exceed the longest consume wait used.</param>
    public DistSyncClient(HttpClient http, bool ownsHttp = false)
    {
        _http = http ?? throw new ArgumentNullException(nameof(http));
        if (_http.BaseAddress is null) throw new ArgumentException("HttpClient.BaseAddress must be set", nameof(http));
        _endpoints = [_http.BaseAddress];
        _ownsHttp = ownsHttp;
    }

    /// <summary>
    /// The bearer token sent with every request, for nodes with security on (<c>dsync token issue</c>); null sends
    /// none. A node that refuses it answers 401 (missing or invalid) or 403 (no right), as a <see cref="DistSyncApiException"/>.
    /// </summary>
    public string? AccessToken
    {
        get => _http.DefaultRequestHeaders.Authorization?.Parameter;
        set => _http.DefaultRequestHeaders.Authorization = string.IsNullOrEmpty(value) ? null : new AuthenticationHeaderValue("Bearer", value);
    }

    /// <summary>The node requests go to now: the last one that answered (the first given, before any request).</summary>
    public Uri BaseAddress => _endpoints[Volatile.Read(ref _current)];

    /// <summary>Every node this client may use, in the order given.</summary>
    public IReadOnlyList<Uri> Endpoints => _endpoints;

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

    /// <summary>
    /// <c>PUT /kv/{key}</c>. With <paramref name="expectedVersion"/> it is a compare-and-set (0 = the key must not
    /// exist) and a mismatch throws <see cref="VersionMismatchException"/>. A 503 (no quorum in time) throws
    /// <see cref="DistSyncApiException"/>: the write may or may not have happened. With <paramref name="sessionId"/>
    /// the key is ephemeral: bound to that live session and deleted when it ends (docs/KV.md); an unknown session
    /// throws <see cref="SessionNotFoundException"/>. A put without it detaches the key from any session.
    /// </summary>
    public async Task<KvPutResponse> PutAsync(string key, string value, long? expectedVersion = null, CancellationToken ct = default, string? sessionId = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        RequireNullOrNonEmpty(sessionId, nameof(sessionId));
        var request = new HttpRequestMessage(HttpMethod.Put, KvPath(key))
        {
            Content = JsonContent.Create(new KvPutRequest(value, expectedVersion, sessionId), options: DistSyncJson.Options),
        };
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (response.StatusCode is System.Net.HttpStatusCode.Conflict or System.Net.HttpStatusCode.NotFound)
        {
            var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
            if (problem?.Detail == "version-mismatch") throw new VersionMismatchException(key, expectedVersion ?? -1, problem);
            if (sessionId is not null && response.StatusCode == System.Net.HttpStatusCode.NotFound && problem?.Title == "not found")
                throw new SessionNotFoundException(sessionId, problem);
            throw Failure(response, problem);
        }
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<KvPutResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /kv/{key}</c>; null when the key does not exist.</summary>
    public async Task<KvGetResponse?> GetAsync(string key, ReadConsistency consistency = ReadConsistency.Linearizable, CancellationToken ct = default)
    {
        var path = KvPath(key) + (consistency == ReadConsistency.Local ? "?consistency=local" : "");
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
            // A 404 without our problem body is a node that does not know the route, not a missing key.
            if (problem?.Title == "not found") return null;
            throw new DistSyncApiException(response.StatusCode, problem, $"404 GET /{path}: the node does not serve this route");
        }
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<KvGetResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /kv/{key}</c>; true when a key was deleted.</summary>
    public async Task<bool> DeleteAsync(string key, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, KvPath(key)), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return (await ReadJsonAsync<KvDeleteResponse>(response, ct).ConfigureAwait(false)).Deleted;
    }

    /// <summary><c>GET /raft/status</c>: the node's Raft groups, members and (on the leader) follower progress.</summary>
    public Task<RaftStatusResponse> GetRaftStatusAsync(CancellationToken ct = default) =>
        GetJsonAsync<RaftStatusResponse>("raft/status", ct);

    /// <summary><c>POST /raft/transfer-leader/{nodeId}</c>: 202 once the leader accepted the transfer.</summary>
    public Task<AcceptedResponse> TransferLeaderAsync(string nodeId, CancellationToken ct = default) =>
        PostAcceptedAsync("raft/transfer-leader/" + Uri.EscapeDataString(RequireNodeId(nodeId)), ct);

    /// <summary><c>POST /cluster/leave</c>: the contacted node leaves the cluster.</summary>
    public Task<AcceptedResponse> LeaveAsync(CancellationToken ct = default) => PostAcceptedAsync("cluster/leave", ct);

    /// <summary><c>POST /cluster/down/{nodeId}</c>: removes another (dead) node from the cluster.</summary>
    public Task<AcceptedResponse> DownAsync(string nodeId, CancellationToken ct = default) =>
        PostAcceptedAsync("cluster/down/" + Uri.EscapeDataString(RequireNodeId(nodeId)), ct);

    /// <summary>The relative path of a key: each '/'-separated segment escaped, so keys may contain slashes.</summary>
    public static string KvPath(string key)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("the key is empty", nameof(key));
        var segments = key.Split('/');
        for (var i = 0; i < segments.Length; i++) segments[i] = Uri.EscapeDataString(segments[i]);
        return "kv/" + string.Join('/', segments);
    }

    private static string RequireNodeId(string nodeId) =>
        string.IsNullOrWhiteSpace(nodeId) ? throw new ArgumentException("the node id is empty", nameof(nodeId)) : nodeId;

    private async Task<AcceptedResponse> PostAcceptedAsync(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, path), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<AcceptedResponse>(response, ct).ConfigureAwait(false);
    }

    internal async Task<T> GetJsonAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends the request to the current node and, while there are others not yet tried, to the next one when this
    /// one is unreachable or answers 503. A 503 means no quorum or leader within the deadline, which the API calls
    /// safe to retry; a timed-out write may have happened on the node that did not answer, as with one node.
    /// </summary>
    /// <param name="longPoll">How long the node may hold the request by design (a consume's wait): added to the deadline.</param>
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct, TimeSpan longPoll = default)
    {
        using var _ = request;
        var relative = request.RequestUri!;
        var body = request.Content is null ? null : await request.Content.ReadAsByteArrayAsync(ct).ConfigureAwait(false);
        var start = Volatile.Read(ref _current);
        NodeUnreachableException? unreachable = null;
        for (var attempt = 0; attempt < _endpoints.Count; attempt++)
        {
            var index = (start + attempt) % _endpoints.Count;
            var last = attempt == _endpoints.Count - 1;
            using var copy = Copy(request, new Uri(_endpoints[index], relative), body);
            HttpResponseMessage response;
            try
            {
                response = await SendOnceAsync(copy, _endpoints[index], ct, longPoll).ConfigureAwait(false);
            }
            catch (NodeUnreachableException e) when (!last)
            {
                unreachable = e;
                continue;
            }
            catch (NodeUnreachableException e) when (unreachable is not null)
            {
                throw new NodeUnreachableException("any of " + string.Join(", ", _endpoints.Select(x => x.Authority)), e.InnerException!);
            }
            if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && !last)
            {
                response.Dispose();
                continue;
            }
            Volatile.Write(ref _current, index);
            return response;
        }
        throw new InvalidOperationException("unreachable: the last attempt returns or throws");
    }

    private static HttpRequestMessage Copy(HttpRequestMessage original, Uri uri, byte[]? body)
    {
        var copy = new HttpRequestMessage(original.Method, uri);
        foreach (var header in original.Headers) copy.Headers.TryAddWithoutValidation(header.Key, header.Value);
        if (body is not null)
        {
            copy.Content = new ByteArrayContent(body);
            foreach (var header in original.Content!.Headers.Where(h => h.Key != "Content-Length"))
                copy.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }
        return copy;
    }

    private async Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, Uri node, CancellationToken ct, TimeSpan longPoll)
    {
        var deadline = _timeout is { } own ? own + longPoll : _http.Timeout;
        using var timer = _timeout is null || _timeout == Timeout.InfiniteTimeSpan ? null : CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer?.CancelAfter(deadline);
        try
        {
            return await _http.SendAsync(request, timer?.Token ?? ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new NodeUnreachableException(node.Authority, e);
        }
        catch (OperationCanceledException e) when (!ct.IsCancellationRequested)
        {
            throw new NodeUnreachableException(node.Authority, new TimeoutException($"no answer within {deadline.TotalSeconds:0.#} s", e));
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
