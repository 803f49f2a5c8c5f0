using System.Globalization;
using System.Text;
using System.Text.Json;
using DistSync.Broadcast;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.Node.Broadcast;
using DistSync.Node.Hosting;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;
using BroadcastEvent = DistSync.Client.Contracts.BroadcastMessage;
using BroadcastMessage = DistSync.Broadcast.BroadcastMessage;

namespace DistSync.Node.Http;

/// <summary>
/// The broadcast routes of API.md on the meta group, whose leader is the sequencer: a publish is a proposal (any node;
/// followers forward inside the group) answered 201 once committed with the topic's next seq; a repeat of
/// (clientId, clientSeq) answers the first seq. A subscription streams Server-Sent Events from this node's applied
/// state: it registers with the node's <see cref="BroadcastHub"/> first, catches up from its replica, then follows the
/// entries this node applies, so no message costs a round trip to the leader and the order is the log's.
/// </summary>
public static class BroadcastRoutes
{
    private const int CatchUpPage = 500;

    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, BroadcastHub hub, BroadcastSettings broadcast,
        BroadcastMetrics metrics)
    {
        web.MapPost("/broadcast/publish", async (HttpContext ctx) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<BroadcastPublishRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (CheckTopic(body!.Topic, broadcast) is { } badTopic) return Problems.BadRequest(badTopic);
            if (body.Payload is null) return Problems.BadRequest("field 'payload' is required");
            if (Encoding.UTF8.GetByteCount(body.Payload) > broadcast.Options.MaxPayloadBytes)
                return Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload too large", $"the payload exceeds {broadcast.Options.MaxPayloadBytes} bytes");
            if (body.ClientSeq < 0) return Problems.BadRequest("field 'clientSeq' must not be negative");
            if (body.ClientSeq > 0 && string.IsNullOrEmpty(body.ClientId)) return Problems.BadRequest("field 'clientSeq' needs a 'clientId'");
            var command = MetaStateMachine.BroadcastCommand(BroadcastCommands.Publish(body.Topic!, body.Payload, body.ClientId ?? "", body.ClientSeq));
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var result = BroadcastCommands.DecodeResult((await meta.ProposeAsync(command, ct).ConfigureAwait(false)).Span);
                switch (result.ResultCase)
                {
                    case DistSync.Broadcast.Wire.BroadcastResult.ResultOneofCase.Published:
                        metrics.Published(body.Topic!);
                        return Results.Json(new BroadcastPublishResponse(result.Published.Topic, result.Published.Seq), DistSyncJson.Options,
                            statusCode: StatusCodes.Status201Created);
                    case DistSync.Broadcast.Wire.BroadcastResult.ResultOneofCase.Invalid when result.Invalid.StaleClientSeq:
                        // older than what the topic remembers of this client: it may or may not have been published
                        return Problems.Of(StatusCodes.Status409Conflict, result.Invalid.Message, "stale-sequence");
                    case DistSync.Broadcast.Wire.BroadcastResult.ResultOneofCase.Invalid:
                        return Problems.BadRequest(result.Invalid.Message);
                    default:
                        return Problems.Of(StatusCodes.Status500InternalServerError, "internal error", "the meta group returned no broadcast result");
                }
            }).ConfigureAwait(false);
        });

        web.MapGet("/broadcast/read", async (HttpContext ctx, string? topic, long? from, int? max) =>
        {
            if (CheckTopic(topic, broadcast) is { } badTopic) return Problems.BadRequest(badTopic);
            if (from is < 1) return Problems.BadRequest("query parameter 'from' must be at least 1");
            if (max is < 1 or > 1000) return Problems.BadRequest("query parameter 'max' must be 1..1000");
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                // linearizable: a read through any node sees every publish answered before it
                var read = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Broadcast.Read(topic!, from ?? 1, max ?? 100), linearizable: true, ct)
                    .ConfigureAwait(false);
                return read switch
                {
                    BroadcastGone gone => Gone(topic!, from ?? 1, gone.FirstSeq),
                    BroadcastMessages page => Results.Json(page.Messages.Select(ToEvent).ToList(), DistSyncJson.Options),
                    _ => Problems.Of(StatusCodes.Status500InternalServerError, "internal error", "unknown read result"),
                };
            }).ConfigureAwait(false);
        });

        // a block body that returns: an expression-bodied (HttpContext) lambda would bind as a RequestDelegate and
        // its IResult would be dropped (an empty 200)
        web.MapGet("/broadcast/topics", async (HttpContext ctx) =>
        {
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var topics = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Broadcast.Topics(), linearizable: true, ct).ConfigureAwait(false);
                return Results.Json(topics.Select(t => new BroadcastTopicInfo(t.Topic, t.FirstSeq, t.LastSeq, hub.SubscriberCount(t.Topic))).ToList(),
                    DistSyncJson.Options);
            }).ConfigureAwait(false);
        });

        web.MapGet("/broadcast/subscribe", async (HttpContext ctx, string? topic, long? from, string? sessionId) =>
        {
            if (CheckTopic(topic, broadcast) is { } badTopic) return Problems.BadRequest(badTopic);
            if (from is < 1) return Problems.BadRequest("query parameter 'from' must be at least 1");
            long? start = from;
            var lastEventId = ctx.Request.Headers["Last-Event-ID"].ToString();
            if (lastEventId.Length > 0)
            {
                if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var last))
                    return Problems.BadRequest("header 'Last-Event-ID' must be a seq");
                start = last + 1;
            }
            TopicInfo? info;
            try
            {
                info = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Broadcast.Topic(topic!), linearizable: false, ctx.RequestAborted).ConfigureAwait(false);
                if (sessionId is not null)
                {
                    var known = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Locks.Sessions.Find(sessionId) is not null, linearizable: true, ctx.RequestAborted).ConfigureAwait(false);
                    if (!known) return Problems.NotFound($"no session '{sessionId}'");
                }
            }
            catch (RaftUnavailableException e)
            {
                return Problems.Unavailable(e.Message);
            }
            // no 'from': live only, from the next message
            var next = start ?? (info?.LastSeq ?? 0) + 1;
            if (info is { } t && next < t.FirstSeq && t.FirstSeq > 1) return Gone(topic!, next, t.FirstSeq);
            await StreamAsync(ctx, meta, hub, broadcast, metrics, topic!, next, sessionId).ConfigureAwait(false);
            return Results.Empty;
        });
    }

    private static async Task StreamAsync(HttpContext ctx, IRaftGroup meta, BroadcastHub hub, BroadcastSettings broadcast, BroadcastMetrics metrics,
        string topic, long next, string? sessionId)
    {
        var ct = ctx.RequestAborted;
        var response = ctx.Response;
        SseStream.Begin(response);
        // registered before the catch-up read, so nothing applied in between is missed (overlap is skipped by seq)
        var subscriber = hub.Subscribe(topic, sessionId);
        try
        {
            await response.WriteAsync(": subscribed\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            var catchUp = true;
            while (!ct.IsCancellationRequested)
            {
                if (catchUp)
                {
                    var (caughtUp, gone) = await CatchUpAsync(ctx, meta, metrics, topic, next).ConfigureAwait(false);
                    if (gone is { } firstSeq)
                    {
                        // fell behind retention while streaming: say so and end (the client reads 410 on reconnect)
                        await response.WriteAsync($"event: gone\ndata: {{\"firstSeq\":{firstSeq}}}\n\n", ct).ConfigureAwait(false);
                        return;
                    }
                    next = caughtUp;
                    catchUp = false;
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
                var waited = await SseStream.WaitAsync(subscriber.Reader, broadcast.KeepAlive, ct).ConfigureAwait(false);
                if (waited == SseStream.Wait.Idle)
                {
                    await SseStream.KeepAliveAsync(response, ct).ConfigureAwait(false);
                    continue;
                }
                if (waited == SseStream.Wait.Completed) return; // the session ended, or the node stops
                while (subscriber.Reader.TryRead(out var delivery))
                {
                    var message = delivery.Message;
                    if (message.Seq < next) continue;
                    if (message.Seq > next)
                    {
                        catchUp = true; // a message was dropped from the buffer: read the gap from the state
                        break;
                    }
                    await response.Body.WriteAsync(delivery.Event, ct).ConfigureAwait(false);
                    metrics.Delivered(message);
                    next = message.Seq + 1;
                }
                if (subscriber.TakeOverflow()) catchUp = true;
                await response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // the client went away
        }
        catch (IOException) when (ct.IsCancellationRequested)
        {
        }
        finally
        {
            hub.Unsubscribe(subscriber);
        }
    }

    /// <summary>Writes every retained message from <paramref name="next"/> on, from this node's replica; returns the next
    /// seq, or the first retained seq when <paramref name="next"/> was trimmed.</summary>
    private static async Task<(long Next, long? Gone)> CatchUpAsync(HttpContext ctx, IRaftGroup meta, BroadcastMetrics metrics, string topic, long next)
    {
        var ct = ctx.RequestAborted;
        while (true)
        {
            var from = next;
            var read = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Broadcast.Read(topic, from, CatchUpPage), linearizable: false, ct).ConfigureAwait(false);
            if (read is BroadcastGone gone) return (next, gone.FirstSeq);
            var page = (BroadcastMessages)read;
            foreach (var message in page.Messages)
            {
                if (message.Seq < next) continue;
                await WriteEventAsync(ctx.Response, message, ct).ConfigureAwait(false);
                metrics.Delivered(message);
                next = message.Seq + 1;
            }
            if (page.Messages.Count < CatchUpPage) return (next, null);
        }
    }

    private static Task WriteEventAsync(HttpResponse response, BroadcastMessage message, CancellationToken ct) =>
        response.Body.WriteAsync(BroadcastEvents.Encode(message), ct).AsTask();

    private static BroadcastEvent ToEvent(BroadcastMessage m) => BroadcastEvents.ToContract(m);

    private static IResult Gone(string topic, long from, long firstSeq) =>
        Results.Json(new GoneProblem("about:blank", "gone", StatusCodes.Status410Gone,
                $"topic '{topic}' retains messages from seq {firstSeq}; seq {from} was trimmed", firstSeq),
            DistSyncJson.Options, "application/problem+json", StatusCodes.Status410Gone);

    private static string? CheckTopic(string? topic, BroadcastSettings broadcast)
    {
        if (string.IsNullOrEmpty(topic)) return "'topic' is required";
        if (Encoding.UTF8.GetByteCount(topic) > broadcast.Options.MaxTopicBytes) return $"'topic' is longer than {broadcast.Options.MaxTopicBytes} bytes";
        return null;
    }

    /// <summary>410's problem body: the first seq still retained.</summary>
    private sealed record GoneProblem(string Type, string Title, int Status, string Detail, long FirstSeq);
}
