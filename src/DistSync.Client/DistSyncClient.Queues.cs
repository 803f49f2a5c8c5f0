using System.Net;
using System.Net.Http.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>The Queues routes of API.md (at-least-once delivery: a consumer acks each receipt once it is done).</summary>
public sealed partial class DistSyncClient
{
    /// <summary>Highest priority a message may have (API.md: 0..9, 9 is delivered first).</summary>
    public const int MaxPriority = 9;

    /// <summary>Largest batch one consume may ask for (API.md: <c>max</c> 1..1000).</summary>
    public const int MaxConsumeBatch = 1000;

    /// <summary>
    /// <c>POST /queue/produce</c>, answered once the message is committed. <paramref name="key"/> routes it to a
    /// partition (FIFO per key); <paramref name="messageId"/> makes a retry store nothing new; <paramref name="fence"/>
    /// makes the produce conditional on that lock grant still being the latest. A 503 means the message may or may
    /// not be stored: retry with the same <paramref name="messageId"/>.
    /// </summary>
    /// <exception cref="StaleFenceException">409 <c>stale-fence</c>: a newer grant of the fence's resource exists.</exception>
    /// <exception cref="QueueNotFoundException">The node knows no such queue.</exception>
    public async Task<ProduceResponse> ProduceAsync(string queue, string payload, string? key = null, int? priority = null,
        string? messageId = null, FenceToken? fence = null, CancellationToken ct = default)
    {
        RequireQueue(queue);
        ArgumentNullException.ThrowIfNull(payload);
        RequireNullOrNonEmpty(key, nameof(key));
        RequireNullOrNonEmpty(messageId, nameof(messageId));
        if (priority is < 0 or > MaxPriority) throw new ArgumentOutOfRangeException(nameof(priority), $"priority must be 0..{MaxPriority}, was {priority}");
        if (fence is not null)
        {
            if (string.IsNullOrEmpty(fence.Resource)) throw new ArgumentException("the fence's resource is empty", nameof(fence));
            if (fence.FencingToken <= 0) throw new ArgumentOutOfRangeException(nameof(fence), $"a fencing token is positive, was {fence.FencingToken}");
        }
        var body = new ProduceRequest(queue, payload, key, priority, messageId, fence);
        using var response = await PostJsonAsync("queue/produce", body, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await QueueFailureAsync(response, queue, fence, ct).ConfigureAwait(false);
        return await ReadJsonAsync<ProduceResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /queue/consume</c>: leases up to <paramref name="max"/> ready messages for <paramref name="visibility"/>
    /// (node default 30 s); each comes back unless acked before then. With <paramref name="wait"/> the node holds the
    /// request until a message is ready or the wait ends (then the list is empty); the request's deadline is this
    /// client's timeout plus the wait. The leases of <paramref name="sessionId"/> return at once when the session ends.
    /// </summary>
    /// <exception cref="QueueNotFoundException">404 without a session: the node knows no such queue. With a session, a
    /// 404 is a <see cref="DistSyncApiException"/>, as it may name the queue or the session.</exception>
    public async Task<IReadOnlyList<ConsumedMessage>> ConsumeAsync(string queue, int max = 1, TimeSpan? visibility = null,
        TimeSpan? wait = null, string? sessionId = null, CancellationToken ct = default)
    {
        RequireQueue(queue);
        if (max is < 1 or > MaxConsumeBatch) throw new ArgumentOutOfRangeException(nameof(max), $"max must be 1..{MaxConsumeBatch}, was {max}");
        var visibilityMs = visibility is { } v ? WholeMilliseconds(v, nameof(visibility)) : (long?)null;
        if (visibilityMs == 0) throw new ArgumentOutOfRangeException(nameof(visibility), $"the visibility timeout must be at least 1 ms, was {visibility}");
        var waitMs = wait is { } w ? WholeMilliseconds(w, nameof(wait)) : (long?)null;
        RequireNullOrNonEmpty(sessionId, nameof(sessionId));
        var longPoll = TimeSpan.FromMilliseconds(waitMs ?? 0);
        if (_timeout is null && _http.Timeout != Timeout.InfiniteTimeSpan && longPoll >= _http.Timeout)
            throw new ArgumentOutOfRangeException(nameof(wait), $"the HttpClient's timeout ({_http.Timeout.TotalSeconds:0.#} s) does not cover the wait ({longPoll.TotalSeconds:0.#} s)");

        var body = new ConsumeRequest(queue, max, visibilityMs, waitMs, sessionId);
        using var response = await PostJsonAsync("queue/consume", body, ct, longPoll).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            if (response.StatusCode == HttpStatusCode.NotFound && sessionId is not null) throw await GenericFailureAsync(response, ct).ConfigureAwait(false);
            throw await QueueFailureAsync(response, queue, fence: null, ct).ConfigureAwait(false);
        }
        return await ReadJsonAsync<List<ConsumedMessage>>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /queue/ack</c>: deletes the delivered messages. Receipts that name no current lease (already acked, or
    /// expired and redelivered) are not an error: they come back in <see cref="AckResponse.Unknown"/>.
    /// </summary>
    /// <exception cref="QueueNotFoundException">The node knows no such queue.</exception>
    public async Task<AckResponse> AckAsync(string queue, IEnumerable<string> receipts, CancellationToken ct = default)
    {
        RequireQueue(queue);
        var list = RequireReceipts(receipts);
        using var response = await PostJsonAsync("queue/ack", new AckRequest(queue, list), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await QueueFailureAsync(response, queue, fence: null, ct).ConfigureAwait(false);
        return await ReadJsonAsync<AckResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>POST /queue/nack</c>: returns leased messages to the queue, ready again after <paramref name="delay"/>
    /// (default 0); one delivered max-deliveries times moves to <c>&lt;queue&gt;.dlq</c> instead.
    /// </summary>
    /// <exception cref="QueueNotFoundException">The node knows no such queue.</exception>
    public async Task<NackResponse> NackAsync(string queue, IEnumerable<string> receipts, TimeSpan? delay = null, CancellationToken ct = default)
    {
        RequireQueue(queue);
        var list = RequireReceipts(receipts);
        var delayMs = delay is { } d ? WholeMilliseconds(d, nameof(delay)) : (long?)null;
        using var response = await PostJsonAsync("queue/nack", new NackRequest(queue, list, delayMs), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await QueueFailureAsync(response, queue, fence: null, ct).ConfigureAwait(false);
        return await ReadJsonAsync<NackResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /queue/stats/{queue}</c>: each partition's leader, replicas, message counts and rates.</summary>
    /// <exception cref="QueueNotFoundException">The node knows no such queue.</exception>
    public async Task<QueueStatsResponse> GetQueueStatsAsync(string queue, CancellationToken ct = default)
    {
        RequireQueue(queue);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "queue/stats/" + Uri.EscapeDataString(queue)), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await QueueFailureAsync(response, queue, fence: null, ct).ConfigureAwait(false);
        return await ReadJsonAsync<QueueStatsResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /queue/list</c>: every queue with its partition count and summed message counts.</summary>
    public async Task<IReadOnlyList<QueueSummary>> ListQueuesAsync(CancellationToken ct = default) =>
        await GetJsonAsync<List<QueueSummary>>("queue/list", ct).ConfigureAwait(false);

    private async Task<HttpResponseMessage> PostJsonAsync<T>(string path, T body, CancellationToken ct, TimeSpan longPoll = default) =>
        await SendAsync(new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body, options: DistSyncJson.Options) }, ct, longPoll)
            .ConfigureAwait(false);

    private static void RequireQueue(string queue)
    {
        if (string.IsNullOrWhiteSpace(queue)) throw new ArgumentException("the queue name is empty", nameof(queue));
    }

    private static void RequireNullOrNonEmpty(string? value, string name)
    {
        if (value is { Length: 0 }) throw new ArgumentException($"{name} is empty (leave it out instead)", name);
    }

    private static string[] RequireReceipts(IEnumerable<string> receipts)
    {
        ArgumentNullException.ThrowIfNull(receipts);
        var list = receipts.ToArray();
        if (list.Length == 0) throw new ArgumentException("no receipts given", nameof(receipts));
        if (list.Any(string.IsNullOrEmpty)) throw new ArgumentException("a receipt is empty", nameof(receipts));
        return list;
    }

    private static long WholeMilliseconds(TimeSpan span, string name) =>
        span < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(name, $"{name} must not be negative, was {span}") : (long)span.TotalMilliseconds;

    /// <summary>
    /// The typed exception for an error answer of a queue route, reading its body once: 409 <c>stale-fence</c> to a
    /// fenced produce -> <see cref="StaleFenceException"/>, the node's own 404 -> <see cref="QueueNotFoundException"/>
    /// (a 404 without our problem body is a node that lacks the route), else <see cref="DistSyncApiException"/>.
    /// </summary>
    private static async Task<DistSyncApiException> QueueFailureAsync(HttpResponseMessage response, string queue, FenceToken? fence, CancellationToken ct)
    {
        var problem = await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Conflict && fence is not null && problem?.Detail == StaleFenceException.Code)
            return new StaleFenceException(queue, fence, problem);
        if (response.StatusCode == HttpStatusCode.NotFound && problem?.Title == "not found")
            return new QueueNotFoundException(queue, problem);
        return Failure(response, problem);
    }

    private static async Task<DistSyncApiException> GenericFailureAsync(HttpResponseMessage response, CancellationToken ct) =>
        Failure(response, await ReadJsonOrDefaultAsync<ProblemDetails>(response, ct).ConfigureAwait(false));

    private static DistSyncApiException Failure(HttpResponseMessage response, ProblemDetails? problem)
    {
        var what = response.StatusCode == HttpStatusCode.NotFound && problem?.Title != "not found"
            ? "the node does not serve this route"
            : problem?.Detail ?? problem?.Title ?? response.ReasonPhrase ?? "error";
        return new DistSyncApiException(response.StatusCode, problem,
            $"{(int)response.StatusCode} {response.RequestMessage?.Method} /{response.RequestMessage?.RequestUri?.AbsolutePath.TrimStart('/')}: {what}");
    }
}
