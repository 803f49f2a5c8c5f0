using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// The Cache routes of API.md: a MESI-coherent cache over the replicated KV, sequentially consistent. A read is
/// answered by the contacted node, from its own line on a hit; a write returns once every other copy is invalidated.
/// </summary>
public sealed partial class DistSyncClient
{
    /// <summary>
    /// <c>GET /cache/read/{key}</c> on this client's node: the value and the node's line state after the read; null
    /// when neither any cache nor the KV holds the key.
    /// </summary>
    public async Task<CacheReadResponse?> CacheReadAsync(string key, CancellationToken ct = default)
    {
        var path = CachePath("cache/read/", key);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
            // A 404 without our problem body is a node that does not know the route, not a missing key.
            if (problem?.Title == "not found") return null;
            throw Failure(response, problem);
        }
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<CacheReadResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /cache/write</c>: answered once every other node's copy has acknowledged its invalidation, so every later
    /// read, on any node, sees <paramref name="value"/>. With <paramref name="fence"/> the write happens only while that
    /// lock grant is the resource's latest. Under write-back the value reaches the KV later (on eviction or downgrade).
    /// </summary>
    /// <exception cref="StaleFenceException">409 <c>stale-fence</c>: a newer grant of the fence's resource exists.</exception>
    public async Task<CacheWriteResponse> CacheWriteAsync(string key, string value, FenceToken? fence = null, CancellationToken ct = default)
    {
        RequireCacheKey(key);
        ArgumentNullException.ThrowIfNull(value);
        if (fence is not null)
        {
            if (string.IsNullOrEmpty(fence.Resource)) throw new ArgumentException("the fence's resource is empty", nameof(fence));
            if (fence.FencingToken <= 0) throw new ArgumentOutOfRangeException(nameof(fence), $"a fencing token is positive, was {fence.FencingToken}");
        }
        using var response = await PostJsonAsync("cache/write", new CacheWriteRequest(key, value, fence), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.Conflict && fence is not null && IsStaleFence(problem))
                throw new StaleFenceException(key, fence, problem);
            throw Failure(response, problem);
        }
        return await ReadJsonAsync<CacheWriteResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>DELETE /cache/invalidate/{key}</c>: invalidates every node's copy and removes the key's value from the KV;
    /// the answer counts the copies and says whether the KV held a value.
    /// </summary>
    public async Task<CacheInvalidateResponse> CacheInvalidateAsync(string key, CancellationToken ct = default)
    {
        var path = CachePath("cache/invalidate/", key);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, path), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await GenericFailureAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<CacheInvalidateResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /cache/stats</c>: this client's node's lines, hits and misses, evictions, invalidations and states.</summary>
    public async Task<CacheStatsResponse> CacheStatsAsync(CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "cache/stats"), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await GenericFailureAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<CacheStatsResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="route"/> followed by the key with each '/'-separated segment escaped, as <see cref="KvPath"/>
    /// does, so a cache key is any KV key.
    /// </summary>
    public static string CachePath(string route, string key)
    {
        RequireCacheKey(key);
        return route + string.Join('/', key.Split('/').Select(Uri.EscapeDataString));
    }

    /// <summary>
    /// API.md names the reason <c>stale-fence</c>; the queue routes send it as the problem's <c>detail</c>, and a
    /// problem <c>type</c> ending in it is taken the same way.
    /// </summary>
    private static bool IsStaleFence(ProblemDetails? problem) =>
        problem is not null &&
        (problem.Detail == StaleFenceException.Code ||
         (problem.Type is { } type && (type == StaleFenceException.Code || type.EndsWith("/" + StaleFenceException.Code, StringComparison.Ordinal))));

    private static void RequireCacheKey(string key)
    {
        if (string.IsNullOrEmpty(key)) throw new ArgumentException("the key is empty", nameof(key));
    }
}
