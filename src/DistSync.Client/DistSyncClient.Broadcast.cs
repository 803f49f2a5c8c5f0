using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client;

/// <summary>
/// The Broadcast routes of API.md: topics in total order. Every node hands out the same seqs 1, 2, 3, … of a topic
/// without gaps, so a subscriber that lost its stream resumes from its last seq + 1 on any node
/// (<see cref="BroadcastSubscription"/> does that across several nodes).
/// </summary>
public sealed partial class DistSyncClient
{
    /// <summary>Largest page one read may ask for (API.md's node checks <c>max</c> 1..1000).</summary>
    public const int MaxBroadcastRead = 1000;

    /// <summary>The SSE event type of a message; events of types other than it and <see cref="GoneEventType"/> are skipped.</summary>
    private const string MessageEventType = "message";

    /// <summary>The SSE event a node sends before it ends a stream that fell behind retention: <c>{"firstSeq"}</c>.</summary>
    private const string GoneEventType = "gone";

    /// <summary>
    /// How long a subscription's stream may bring no byte at all before it counts as dead (default 45 s). API.md's node
    /// writes a keep-alive comment to an idle stream every 15 s, so this is three missed ones: a node cut off without
    /// a reset (a partition, a host gone) is noticed instead of waited for. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </summary>
    public TimeSpan StreamIdleTimeout
    {
        get => _streamIdleTimeout;
        init => _streamIdleTimeout = value > TimeSpan.Zero || value == Timeout.InfiniteTimeSpan
            ? value
            : throw new ArgumentOutOfRangeException(nameof(StreamIdleTimeout), $"the idle timeout must be positive (or infinite), was {value}");
    }

    private readonly TimeSpan _streamIdleTimeout = TimeSpan.FromSeconds(45);

    /// <summary>
    /// <c>POST /broadcast/publish</c>, answered once the message is committed with the seq the topic gave it. With
    /// <paramref name="clientId"/>, a repeat of (<paramref name="clientId"/>, <paramref name="clientSeq"/>) stores
    /// nothing new and answers the first seq: after a 503 or an unreachable node, retry with the same pair, on any node.
    /// </summary>
    public async Task<BroadcastPublishResponse> PublishAsync(string topic, string payload, string? clientId = null, long clientSeq = 0,
        CancellationToken ct = default)
    {
        RequireTopic(topic);
        ArgumentNullException.ThrowIfNull(payload);
        RequireNullOrNonEmpty(clientId, nameof(clientId));
        if (clientSeq < 0) throw new ArgumentOutOfRangeException(nameof(clientSeq), $"clientSeq must not be negative, was {clientSeq}");
        if (clientId is null && clientSeq != 0) throw new ArgumentException("clientSeq dedupes only together with a clientId", nameof(clientSeq));
        using var response = await PostJsonAsync("broadcast/publish", new BroadcastPublishRequest(topic, payload, clientId, clientSeq), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await GenericFailureAsync(response, ct).ConfigureAwait(false);
        return await ReadJsonAsync<BroadcastPublishResponse>(response, ct).ConfigureAwait(false);
    }

    /// <summary>
    /// <c>GET /broadcast/read</c>: up to <paramref name="max"/> messages from seq <paramref name="from"/> on, in seq
    /// order; empty when <paramref name="from"/> is past the last message.
    /// </summary>
    /// <exception cref="BroadcastGoneException">410: <paramref name="from"/> is below the retained range.</exception>
    public async Task<IReadOnlyList<BroadcastMessage>> ReadAsync(string topic, long from = 1, int max = 100, CancellationToken ct = default)
    {
        RequireTopic(topic);
        RequireFrom(from);
        if (max is < 1 or > MaxBroadcastRead) throw new ArgumentOutOfRangeException(nameof(max), $"max must be 1..{MaxBroadcastRead}, was {max}");
        var path = BroadcastPath("broadcast/read", topic, from) + "&max=" + max.ToString(CultureInfo.InvariantCulture);
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path), ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await BroadcastFailureAsync(response, topic, from, ct).ConfigureAwait(false);
        return await ReadJsonAsync<List<BroadcastMessage>>(response, ct).ConfigureAwait(false);
    }

    /// <summary><c>GET /broadcast/topics</c>: every topic with its retained range and subscriber count.</summary>
    public async Task<IReadOnlyList<BroadcastTopicInfo>> TopicsAsync(CancellationToken ct = default) =>
        await GetJsonAsync<List<BroadcastTopicInfo>>("broadcast/topics", ct).ConfigureAwait(false);

    /// <summary>
    /// <c>GET /broadcast/subscribe</c>: the topic's messages from seq <paramref name="from"/> on (the retained ones
    /// first, then live), one per SSE event, until <paramref name="ct"/> fires or the node closes the stream (then
    /// the enumeration ends). A resumed subscription also sends <c>Last-Event-ID: from - 1</c>, so a node reading
    /// either gets the same start. This client's timeout covers the answer's headers, not the stream.
    /// </summary>
    /// <exception cref="BroadcastGoneException">410: <paramref name="from"/> is below the retained range; or the stream
    /// fell behind retention (<c>event: gone</c>), so the messages after the last one yielded are lost.</exception>
    /// <exception cref="NodeUnreachableException">No answer, the stream broke off mid-way, or it brought nothing for
    /// <see cref="StreamIdleTimeout"/>.</exception>
    /// <exception cref="InvalidDataException">An event is not a broadcast message, or its <c>id</c> is not its seq.</exception>
    public IAsyncEnumerable<BroadcastMessage> SubscribeAsync(string topic, long from = 1, CancellationToken ct = default) =>
        SubscribeAsync(topic, from, sessionId: null, ct);

    /// <summary>
    /// As <see cref="SubscribeAsync(string, long, CancellationToken)"/>, tied to a session: the node ends the stream
    /// when <paramref name="sessionId"/> ends, and answers 404 (a <see cref="DistSyncApiException"/>) for an unknown one.
    /// </summary>
    public IAsyncEnumerable<BroadcastMessage> SubscribeAsync(string topic, long from, string? sessionId, CancellationToken ct = default)
    {
        RequireTopic(topic);
        RequireFrom(from);
        RequireNullOrNonEmpty(sessionId, nameof(sessionId));
        return StreamAsync(topic, from, sessionId, ct);
    }

    private async IAsyncEnumerable<BroadcastMessage> StreamAsync(string topic, long from, string? sessionId, [EnumeratorCancellation] CancellationToken ct)
    {
        var path = BroadcastPath("broadcast/subscribe", topic, from) + (sessionId is null ? "" : "&sessionId=" + Uri.EscapeDataString(sessionId));
        // A stream is not failed over here: BroadcastSubscription moves between nodes and resumes after the last seq.
        var node = BaseAddress;
        using var response = await OpenStreamAsync(node, path, from > 1 ? (from - 1).ToString(CultureInfo.InvariantCulture) : null, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw await BroadcastFailureAsync(response, topic, from, ct).ConfigureAwait(false);
        var expected = from;
        await foreach (var item in ReadEventsAsync(response, node, "GET /broadcast/subscribe", ParseEvent, ct).ConfigureAwait(false))
        {
            if (item.Data.GoneFirstSeq is { } firstSeq) throw new BroadcastGoneException(topic, expected, firstSeq, problem: null);
            if (item.Data.Message is not { } message) continue;
            if (item.EventId is { Length: > 0 } id && (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq != message.Seq))
                throw new InvalidDataException($"an event's id '{id}' is not its message's seq {message.Seq}");
            expected = message.Seq + 1;
            yield return message;
        }
    }

    /// <summary>What one SSE event says: a message, the stream's end by retention, or (both null) nothing for us.</summary>
    private readonly record struct StreamEvent(BroadcastMessage? Message, long? GoneFirstSeq);

    private static StreamEvent ParseEvent(string eventType, ReadOnlySpan<byte> data)
    {
        try
        {
            return eventType switch
            {
                MessageEventType => new StreamEvent(JsonSerializer.Deserialize<BroadcastMessage>(data, DistSyncJson.Options)
                                                    ?? throw new InvalidDataException("an SSE event's data is null, not a broadcast message"), null),
                GoneEventType => new StreamEvent(null, JsonSerializer.Deserialize<BroadcastGoneResponse>(data, DistSyncJson.Options) is { FirstSeq: > 0 } gone
                    ? gone.FirstSeq
                    : throw new InvalidDataException("a 'gone' event without a firstSeq")),
                _ => default,
            };
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"an SSE '{eventType}' event's data is not what API.md names: {e.Message}", e);
        }
    }

    /// <summary>
    /// The typed exception for an error answer of read or subscribe, reading its body once: a 410 whose problem
    /// carries <c>firstSeq</c> -> <see cref="BroadcastGoneException"/>, else as <see cref="Failure"/>.
    /// </summary>
    private static async Task<DistSyncApiException> BroadcastFailureAsync(HttpResponseMessage response, string topic, long from, CancellationToken ct)
    {
        var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        var problem = TryParse<ProblemDetails>(body);
        if (response.StatusCode == HttpStatusCode.Gone && TryParse<BroadcastGoneResponse>(body) is { FirstSeq: > 0 } gone)
            return new BroadcastGoneException(topic, from, gone.FirstSeq, problem);
        return Failure(response, problem);
    }

    private static T? TryParse<T>(string body) where T : class
    {
        if (string.IsNullOrWhiteSpace(body)) return null;
        try
        {
            return JsonSerializer.Deserialize<T>(body, DistSyncJson.Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string BroadcastPath(string route, string topic, long from) =>
        route + "?topic=" + Uri.EscapeDataString(topic) + "&from=" + from.ToString(CultureInfo.InvariantCulture);

    private static void RequireTopic(string topic)
    {
        if (string.IsNullOrWhiteSpace(topic)) throw new ArgumentException("the topic is empty", nameof(topic));
    }

    private static void RequireFrom(long from)
    {
        if (from < 1) throw new ArgumentOutOfRangeException(nameof(from), $"seqs start at 1, from was {from}");
    }
}
