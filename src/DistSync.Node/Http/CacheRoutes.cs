using DistSync.Cache;
using DistSync.Cache.Messages;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.KeyValue;
using DistSync.Node.Hosting;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// The cache routes of API.md on this node's cache. A read hit is answered from this node's line with no message; a
/// miss asks the key's home. A write returns once every other copy is invalidated (under write-through, once the value
/// is committed). A <c>fence</c> must be a current grant of the resource in the lock service (read from the meta
/// group) and not older than the highest token the key's home has seen. Keys and values obey the KV's limits, since
/// the values end up there.
/// </summary>
public static class CacheRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, CacheFront cache, KvLimits limits)
    {
        web.MapGet("/cache/read/{**key}", async (HttpContext ctx, string? key) =>
        {
            if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey);
            // the hit path: one dictionary lookup and a volatile read, no actor and no network
            if (cache.TryHit(key!, out var line))
                return Results.Json(new CacheReadResponse(key!, line.Value!, StateText(line.State), true), DistSyncJson.Options);
            return await RunAsync(ctx, settings, async ct =>
            {
                var read = await cache.ReadAsync(key!, ct).ConfigureAwait(false);
                return read.Found
                    ? Results.Json(new CacheReadResponse(key!, read.Value!, StateText(read.State), read.Hit), DistSyncJson.Options)
                    : Problems.NotFound($"no cache key '{key}'");
            }).ConfigureAwait(false);
        });

        web.MapPost("/cache/write", async (HttpContext ctx) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<CacheWriteRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (limits.CheckKey(body!.Key) is { } badKey) return Problems.BadRequest(badKey);
            if (body.Value is null) return Problems.BadRequest("field 'value' is required");
            if (limits.CheckValue(body.Value) is { } badValue) return Problems.Of(StatusCodes.Status413PayloadTooLarge, "value too large", badValue);
            if (Fences.Check(body.Fence) is { } badFence) return Problems.BadRequest(badFence);
            return await RunAsync(ctx, settings, async ct =>
            {
                if (body.Fence is { } fence && !await Fences.IsCurrentGrantAsync(meta, fence, ct).ConfigureAwait(false))
                    return Fences.Stale(fence.Resource!, fence.FencingToken, "it is not a current grant of the resource in the lock service");
                var written = await cache.WriteAsync(body.Key!, body.Value, body.Fence?.Resource, body.Fence?.FencingToken ?? 0, ct).ConfigureAwait(false);
                return Results.Json(new CacheWriteResponse(body.Key!, StateText(written.State)), DistSyncJson.Options);
            }).ConfigureAwait(false);
        });

        web.MapDelete("/cache/invalidate/{**key}", async (HttpContext ctx, string? key) =>
        {
            if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey);
            return await RunAsync(ctx, settings, async ct =>
            {
                var done = await cache.InvalidateAsync(key!, ct).ConfigureAwait(false);
                return done.Error.Length == 0
                    ? Results.Json(new CacheInvalidateResponse(key!, done.Copies, done.Deleted), DistSyncJson.Options)
                    : Problems.Unavailable($"cache key '{key}': {done.Copies} copies invalidated, but {done.Error}; safe to retry");
            }).ConfigureAwait(false);
        });

        web.MapGet("/cache/stats", () =>
        {
            var s = cache.Stats;
            var (lines, m, e, sh, i) = cache.CountByState();
            var reads = s.Hits + s.Misses;
            return Results.Json(new CacheStatsResponse(
                settings.NodeId, lines, cache.Settings.Capacity, s.Bytes, cache.Settings.MaxBytes, s.Hits, s.Misses,
                reads == 0 ? 0 : (double)s.Hits / reads, s.Evictions, s.InvalidationsSent, s.InvalidationsReceived,
                new CacheStateCounts(m, e, sh, i),
                cache.Settings.WritePolicy == WritePolicy.WriteThrough ? "write-through" : "write-back"), DistSyncJson.Options);
        });
    }

    private static async Task<IResult> RunAsync(HttpContext ctx, NodeSettings settings, Func<CancellationToken, Task<IResult>> work)
    {
        try
        {
            return await RaftRequest.RunAsync(ctx, settings, work).ConfigureAwait(false);
        }
        catch (CacheRequestFailedException e) when (e.Failure.Code == CacheFailure.StaleFence)
        {
            return Problems.Of(StatusCodes.Status409Conflict, e.Message, "stale-fence");
        }
        catch (CacheRequestFailedException e)
        {
            return Problems.Unavailable($"{e.Message}; safe to retry a read (a write's outcome is unknown)");
        }
        catch (Akka.Actor.AskTimeoutException)
        {
            return Problems.Unavailable("the cache did not answer in time; safe to retry a read (a write's outcome is unknown)");
        }
    }

    private static string StateText(LineState state) => state switch
    {
        LineState.Modified => "M",
        LineState.Exclusive => "E",
        LineState.Shared => "S",
        _ => "I",
    };
}
