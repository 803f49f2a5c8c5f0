using System.Globalization;
using System.Text;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.KeyValue;
using DistSync.Node.Hosting;
using DistSync.Node.Kv;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// <c>GET /kv/watch</c> (docs/KV.md): Server-Sent Events, one per change of the range, in commit order, from this
/// node's replica. The watcher is registered with the hub before the first read, so nothing applied in between is
/// missed; changes read from the history and then seen live again are skipped by position. Without watch parameters
/// the route is still <c>GET /kv/{key}</c> of the key named "watch".
/// </summary>
public static class KvWatchRoutes
{
    private const int CatchUpPage = 512;

    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, KvLimits limits, KvWatchHub hub, KvMetrics metrics)
    {
        web.MapGet("/kv/watch", async (HttpContext ctx) =>
        {
            var q = ctx.Request.Query;
            var isWatch = q.ContainsKey("prefix") || q.ContainsKey("key") || q.ContainsKey("from") || q.ContainsKey("to") || q.ContainsKey("fromVersion")
                || ctx.Request.Headers.ContainsKey("Last-Event-ID") || ctx.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.Ordinal);
            if (!isWatch) return await KvRoutes.GetKeyAsync(ctx, settings, meta, limits, "watch", q["consistency"].ToString() is { Length: > 0 } c ? c : null).ConfigureAwait(false);
            return await WatchAsync(ctx, settings, meta, limits, hub, metrics).ConfigureAwait(false);
        });
    }

    private static async Task<IResult> WatchAsync(HttpContext ctx, NodeSettings settings, IRaftGroup meta, KvLimits limits, KvWatchHub hub, KvMetrics metrics)
    {
        var q = ctx.Request.Query;
        KvKeyRange range;
        if (q.TryGetValue("key", out var keyValue))
        {
            if (q.ContainsKey("prefix") || q.ContainsKey("from") || q.ContainsKey("to"))
                return Problems.BadRequest("use one of query parameters 'key', 'prefix' or 'from'/'to'");
            var key = keyValue.ToString();
            if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey.Replace("field", "query parameter", StringComparison.Ordinal));
            range = KvKeyRange.Single(key);
        }
        else if (!KvRoutes.TryReadRange(ctx, limits, out range, out var rangeProblem)) return rangeProblem!;

        KvPosition? after = null;
        if (q.TryGetValue("fromVersion", out var fv))
        {
            if (!long.TryParse(fv, NumberStyles.None, CultureInfo.InvariantCulture, out var fromVersion) || fromVersion < 1)
                return Problems.BadRequest("query parameter 'fromVersion' must be a version of at least 1");
            after = KvPosition.Before(fromVersion);
        }
        var lastEventId = ctx.Request.Headers["Last-Event-ID"].ToString();
        if (lastEventId.Length > 0)
        {
            if (!KvPosition.TryParse(lastEventId, out var resume)) return Problems.BadRequest("header 'Last-Event-ID' must be '{version}.{n}' or '{version}'");
            after = resume; // a reconnect resumes where the stream was, whatever fromVersion said
        }
        var prevValue = false;
        if (q.TryGetValue("prevValue", out var pv) && !bool.TryParse(pv, out prevValue))
            return Problems.BadRequest("query parameter 'prevValue' must be 'true' or 'false'");

        // Registered before the first read, so nothing applied in between is missed.
        var watcher = hub.Subscribe(range, prevValue);
        var streaming = false;
        try
        {
            long revision;
            bool compacted;
            long oldest;
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted))
            {
                deadline.CancelAfter(settings.RequestTimeout);
                var start = after;
                // Without a start the watch begins after a linearizable read: it shows every change committed after the request arrived.
                (revision, compacted, oldest) = await meta.QueryAsync(sm =>
                {
                    var m = (MetaStateMachine)sm;
                    return (m.LastAppliedIndex, start is { } s && m.Kv.IsCompacted(s), m.Kv.OldestWatchableVersion);
                }, linearizable: after is null, deadline.Token).ConfigureAwait(false);
            }
            if (compacted)
            {
                metrics.Compacted();
                return Results.Json(new ProblemDetails("about:blank", "gone", StatusCodes.Status410Gone,
                        $"compacted: changes before version {oldest} are no longer retained; read the range and watch from its revision + 1")
                    { OldestVersion = oldest }, DistSyncJson.Options, "application/problem+json", StatusCodes.Status410Gone);
            }
            var position = after ?? KvPosition.After(revision);
            streaming = true;
            await StreamAsync(ctx, settings, meta, watcher, metrics, range, position, revision).ConfigureAwait(false);
            return Results.Empty;
        }
        catch (RaftUnavailableException e) when (!streaming)
        {
            return Problems.Unavailable(e.Message);
        }
        catch (OperationCanceledException) when (!streaming && !ctx.RequestAborted.IsCancellationRequested)
        {
            return Problems.Unavailable("the request deadline passed before the watch could start (no leader for its linearizable read)");
        }
        finally
        {
            hub.Unsubscribe(watcher);
        }
    }

    private static async Task StreamAsync(HttpContext ctx, NodeSettings settings, IRaftGroup meta, KvWatcher watcher, KvMetrics metrics,
        KvKeyRange range, KvPosition position, long revision)
    {
        var ct = ctx.RequestAborted;
        var response = ctx.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        var fromVersion = position.Ordinal == int.MaxValue ? position.Version + 1 : position.Version;
        try
        {
            await response.WriteAsync($"event: created\ndata: {{\"revision\":{revision},\"fromVersion\":{fromVersion}}}\n\n", ct).ConfigureAwait(false);
            await response.Body.FlushAsync(ct).ConfigureAwait(false);
            var catchUp = true;
            var leaderless = 0;
            var page = new List<KvChange>(CatchUpPage);
            while (!ct.IsCancellationRequested)
            {
                while (catchUp)
                {
                    page.Clear();
                    var from = position;
                    var read = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Kv.ReadChanges(from, range, CatchUpPage, page), linearizable: false, ct).ConfigureAwait(false);
                    if (read.Compacted)
                    {
                        // fell behind the history while streaming: say so and end (a reconnect reads the 410)
                        metrics.Compacted();
                        await response.WriteAsync($"event: compacted\ndata: {{\"oldestVersion\":{read.OldestVersion}}}\n\n", ct).ConfigureAwait(false);
                        return;
                    }
                    foreach (var change in page)
                    {
                        await response.Body.WriteAsync(KvWatchDelivery.Encode(change, watcher.PrevValue), ct).ConfigureAwait(false);
                        metrics.Delivered(change.TimestampMs, live: false);
                    }
                    if (read.Reached > position) position = read.Reached;
                    catchUp = read.More;
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                }
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ct);
                wait.CancelAfter(settings.KvWatchKeepAlive);
                bool more;
                try
                {
                    more = await watcher.Reader.WaitToReadAsync(wait.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    // A replica without a leader applies nothing: after two idle intervals without one, end the stream
                    // so the client resumes (Last-Event-ID) on a node that still hears the leader, as etcd's
                    // require-leader watches do, instead of stalling until the partition heals.
                    leaderless = meta.Status.Leader is null ? leaderless + 1 : 0;
                    if (leaderless >= 2)
                    {
                        await response.WriteAsync("event: error\ndata: {\"reason\":\"no-leader\"}\n\n", ct).ConfigureAwait(false);
                        return;
                    }
                    await response.WriteAsync(": keep-alive\n\n", ct).ConfigureAwait(false);
                    await response.Body.FlushAsync(ct).ConfigureAwait(false);
                    continue;
                }
                if (!more) return; // the node stops
                while (watcher.Reader.TryRead(out var delivery))
                {
                    var change = delivery.Change;
                    if (change.Position <= position) continue; // already written by the catch-up read
                    await response.Body.WriteAsync(delivery.Frame(watcher.PrevValue), ct).ConfigureAwait(false);
                    metrics.Delivered(change.TimestampMs, live: true);
                    position = change.Position;
                }
                if (watcher.TakeOverflow()) catchUp = true;
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
        catch (RaftUnavailableException)
        {
            // the group stopped under the stream (node shutting down): end it; the client reconnects elsewhere
        }
    }
}
