using System.Net;
using System.Net.Http.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>The Sessions and Locks routes of API.md.</summary>
public sealed partial class DistSyncClient
{
    /// <summary><c>POST /session</c>: a session that expires <paramref name="ttl"/> after its last keepalive (default 10 s).</summary>
    public async Task<SessionResponse> CreateSessionAsync(TimeSpan? ttl = null, string? clientId = null, CancellationToken ct = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "session")
        {
            Content = JsonContent.Create(new CreateSessionRequest((long)(ttl ?? TimeSpan.FromSeconds(10)).TotalMilliseconds, clientId), options: DistSyncJson.Options),
        };
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<SessionResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>POST /session/{id}/keepalive</c>. <exception cref="SessionNotFoundException">The session expired or was deleted.</exception></summary>
    public async Task<KeepAliveResponse> KeepAliveAsync(string sessionId, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Post, $"session/{Escape(sessionId, nameof(sessionId))}/keepalive"), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, sessionId, resource: null, ct).ConfigureAwait(false);
        return await ReadJsonAsync<KeepAliveResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>DELETE /session/{id}</c>: releases its locks and cancels its waits; false when the session did not exist.</summary>
    public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken ct = default)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Delete, $"session/{Escape(sessionId, nameof(sessionId))}"), ct).ConfigureAwait(false);
        if (response.IsSuccessStatusCode) return true;
        var failure = await FailureAsync(response, sessionId, resource: null, ct).ConfigureAwait(false);
        return failure is SessionNotFoundException ? false : throw failure;
    }

    /// <summary>
    /// <c>POST /lock/acquire</c>. <paramref name="wait"/> null or zero is a try-lock; otherwise the call waits until the
    /// grant or the wait's deadline, so this client's timeout must be longer than <paramref name="wait"/>.
    /// </summary>
    /// <exception cref="LockNotGrantedException">409: timeout, deadlock or conflict.</exception>
    /// <exception cref="SessionNotFoundException">404: the session is unknown, ended while waiting, or the wait was cancelled.</exception>
    public async Task<AcquireResponse> AcquireAsync(string resource, string sessionId, LockAccess access = LockAccess.Exclusive,
        TimeSpan? wait = null, string? txnId = null, CancellationToken ct = default)
    {
        RequireResource(resource);
        var body = new AcquireRequest(resource, sessionId, access == LockAccess.Shared ? "shared" : "exclusive", (long)(wait ?? TimeSpan.Zero).TotalMilliseconds, txnId);
        var request = new HttpRequestMessage(HttpMethod.Post, "lock/acquire") { Content = JsonContent.Create(body, options: DistSyncJson.Options) };
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await FailureAsync(response, sessionId, resource, ct).ConfigureAwait(false);
        return await ReadJsonAsync<AcquireResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>POST /lock/release</c>: true when released, false when the session did not hold the lock (404).</summary>
    public async Task<bool> ReleaseAsync(string resource, string sessionId, CancellationToken ct = default)
    {
        RequireResource(resource);
        var request = new HttpRequestMessage(HttpMethod.Post, "lock/release")
        {
            Content = JsonContent.Create(new ReleaseRequest(resource, sessionId), options: DistSyncJson.Options),
        };
        using var response = await SendAsync(request, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            // 404: the session does not hold the lock (or does not exist).
            var failure = await FailureAsync(response, sessionId, resource, ct).ConfigureAwait(false);
            return failure is SessionNotFoundException ? false : throw failure;
        }
        return (await ReadJsonAsync<ReleaseResponse>(response, ct).ConfigureAwait(false)).Released;
    }

    /// <summary><c>GET /lock/status/{resource}</c> (linearizable).</summary>
    public Task<LockStatusResponse> GetLockStatusAsync(string resource, CancellationToken ct = default)
    {
        RequireResource(resource);
        var segments = resource.Split('/');
        for (var i = 0; i < segments.Length; i++) segments[i] = Uri.EscapeDataString(segments[i]);
        return GetJsonAsync<LockStatusResponse>("lock/status/" + string.Join('/', segments), ct);
    }

    /// <summary><c>GET /lock/list</c>: every held or awaited resource (linearizable).</summary>
    public Task<List<LockStatusResponse>> ListLocksAsync(CancellationToken ct = default) =>
        GetJsonAsync<List<LockStatusResponse>>("lock/list", ct);

    private static string Escape(string sessionId, string name) =>
        string.IsNullOrWhiteSpace(sessionId) ? throw new ArgumentException("the session id is empty", name) : Uri.EscapeDataString(sessionId);

    private static void RequireResource(string resource)
    {
        if (string.IsNullOrEmpty(resource)) throw new ArgumentException("the resource is empty", nameof(resource));
    }

    /// <summary>
    /// The typed exception for an error answer, reading its body once: 409 with a lock reason -> <see cref="LockNotGrantedException"/>,
    /// the node's own 404 -> <see cref="SessionNotFoundException"/> (a 404 without our problem body is a node that lacks the route).
    /// </summary>
    private static async Task<DistSyncApiException> FailureAsync(HttpResponseMessage response, string sessionId, string? resource, CancellationToken ct)
    {
        var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict && resource is not null && problem?.Detail is "timeout" or "deadlock" or "conflict")
            return new LockNotGrantedException(resource, problem.Detail, problem);
        if (response.StatusCode == HttpStatusCode.NotFound && problem?.Title == "not found")
            return new SessionNotFoundException(sessionId, problem);
        var what = problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "error";
        return new DistSyncApiException(response.StatusCode, problem,
            $"{(int)response.StatusCode} {response.RequestMessage?.Method} /{response.RequestMessage?.RequestUri?.AbsolutePath.TrimStart('/')}: {what}");
    }
}
