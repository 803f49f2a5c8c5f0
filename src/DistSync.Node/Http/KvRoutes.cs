using System.Globalization;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.KeyValue;
using DistSync.KeyValue.Wire;
using DistSync.Node.Hosting;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// The key-value routes of API.md on the meta group: writes are proposed (any node; followers forward inside the
/// group), reads are queries, linearizable through ReadIndex unless <c>consistency=local</c>. Optional headers
/// <c>X-Client-Id</c> and <c>X-Client-Seq</c> make a write exactly-once across retries (client session).
/// </summary>
public static class KvRoutes
{
    public const string ClientIdHeader = "X-Client-Id";
    public const string ClientSeqHeader = "X-Client-Seq";

    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, KvLimits limits)
    {
        web.MapPut("/kv/{**key}", async (HttpContext ctx, string? key) =>
        {
            if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey);
            var (body, problem) = await JsonBody.ReadAsync<KvPutRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (body!.Value is null) return Problems.BadRequest("field 'value' is required");
            if (limits.CheckValue(body.Value) is { } badValue) return Problems.Of(StatusCodes.Status413PayloadTooLarge, "value too large", badValue);
            if (body.ExpectedVersion < 0) return Problems.BadRequest("field 'expectedVersion' must be 0 (must not exist) or a positive version");
            if (body.SessionId is { Length: 0 }) return Problems.BadRequest("field 'sessionId' must not be empty when given");
            if (!TryClientSession(ctx, out var clientId, out var seq, out problem)) return problem!;
            var command = MetaStateMachine.KvCommand(KvCommands.Put(key!, body.Value, body.ExpectedVersion, body.SessionId));
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var result = KvCommands.DecodeResult((await meta.ProposeAsync(command, ct, clientId, seq).ConfigureAwait(false)).Span);
                return result.ResultCase == KvResult.ResultOneofCase.Written
                    ? Results.Json(new KvPutResponse(key!, result.Written.Version), DistSyncJson.Options)
                    : Failure(result);
            }).ConfigureAwait(false);
        });

        web.MapGet("/kv/{**key}", (HttpContext ctx, string? key, string? consistency) => GetKeyAsync(ctx, settings, meta, limits, key, consistency));

        // a block body that returns: an expression-bodied (HttpContext) lambda would bind as a RequestDelegate and
        // its IResult would be dropped (an empty 200)
        web.MapGet("/kv", async (HttpContext ctx) =>
        {
            return await RangeAsync(ctx, settings, meta, limits).ConfigureAwait(false);
        });

        web.MapDelete("/kv", async (HttpContext ctx) =>
        {
            if (!TryReadRange(ctx, limits, out var range, out var problem)) return problem!;
            var q = ctx.Request.Query;
            if (!q.ContainsKey("prefix") && !q.ContainsKey("from") && !q.ContainsKey("to"))
                return Problems.BadRequest("a range delete needs query parameter 'prefix' (empty = every key) or 'from'/'to'");
            if (!TryClientSession(ctx, out var clientId, out var seq, out problem)) return problem!;
            var command = MetaStateMachine.KvCommand(KvCommands.DeleteRange(range));
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var result = KvCommands.DecodeResult((await meta.ProposeAsync(command, ct, clientId, seq).ConfigureAwait(false)).Span);
                return result.ResultCase == KvResult.ResultOneofCase.DeletedRange
                    ? Results.Json(new KvDeleteRangeResponse(result.DeletedRange.Deleted, result.DeletedRange.Version), DistSyncJson.Options)
                    : Failure(result);
            }).ConfigureAwait(false);
        });

        web.MapDelete("/kv/{**key}", async (HttpContext ctx, string? key) =>
        {
            if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey);
            if (!TryClientSession(ctx, out var clientId, out var seq, out var problem)) return problem!;
            var command = MetaStateMachine.KvCommand(KvCommands.Delete(key!));
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var result = KvCommands.DecodeResult((await meta.ProposeAsync(command, ct, clientId, seq).ConfigureAwait(false)).Span);
                return result.ResultCase == KvResult.ResultOneofCase.Deleted
                    ? Results.Json(new KvDeleteResponse(result.Deleted.Existed), DistSyncJson.Options)
                    : Failure(result);
            }).ConfigureAwait(false);
        });
    }

    /// <summary>GET of one key (also serves <c>GET /kv/watch</c> without watch parameters: the key named "watch").</summary>
    internal static async Task<IResult> GetKeyAsync(HttpContext ctx, NodeSettings settings, IRaftGroup meta, KvLimits limits, string? key, string? consistency)
    {
        if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey);
        if (!TryConsistency(consistency, out var linearizable, out var problem)) return problem!;
        return await RaftRequest.RunAsync(ctx, settings, async ct =>
        {
            var value = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Kv.Get(key!), linearizable, ct).ConfigureAwait(false);
            return value is { } v
                ? Results.Json(ToResponse(key!, v), DistSyncJson.Options)
                : Problems.NotFound($"no key '{key}'");
        }).ConfigureAwait(false);
    }

    internal static KvGetResponse ToResponse(string key, KvValue v) => new(key, v.Value, v.Version, v.CreateVersion, v.SessionId);

    private static async Task<IResult> RangeAsync(HttpContext ctx, NodeSettings settings, IRaftGroup meta, KvLimits limits)
    {
        var q = ctx.Request.Query;
        if (!TryReadRange(ctx, limits, out var range, out var problem)) return problem!;
        if (!TryConsistency(q["consistency"].ToString() is { Length: > 0 } c ? c : null, out var linearizable, out problem)) return problem!;
        var after = q.TryGetValue("after", out var a) ? a.ToString() : null;
        if (after is not null && limits.CheckKey(after, "after") is { } badAfter) return Problems.BadRequest(badAfter.Replace("field", "query parameter", StringComparison.Ordinal));
        var limit = 100;
        if (q.TryGetValue("limit", out var l) && (!int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > KvStateMachine.MaxRangeLimit))
            return Problems.BadRequest($"query parameter 'limit' must be an integer from 1 to {KvStateMachine.MaxRangeLimit}");
        var countOnly = false;
        if (q.TryGetValue("count", out var cnt) && !bool.TryParse(cnt, out countOnly))
            return Problems.BadRequest("query parameter 'count' must be 'true' or 'false'");
        return await RaftRequest.RunAsync(ctx, settings, async ct =>
        {
            var (page, revision) = await meta.QueryAsync(sm =>
            {
                var m = (MetaStateMachine)sm;
                return (m.Kv.Range(range, after, limit, countOnly), m.LastAppliedIndex);
            }, linearizable, ct).ConfigureAwait(false);
            var items = new KvGetResponse[page.Items.Count];
            for (var i = 0; i < items.Length; i++) items[i] = ToResponse(page.Items[i].Key, page.Items[i].Value);
            return Results.Json(new KvRangeResponse(items, page.More, revision, countOnly ? page.Count : null), DistSyncJson.Options);
        }).ConfigureAwait(false);
    }

    /// <summary>Reads <c>prefix</c> or <c>from</c>/<c>to</c> (none: every key); a 400 naming the parameter otherwise.</summary>
    internal static bool TryReadRange(HttpContext ctx, KvLimits limits, out KvKeyRange range, out IResult? problem)
    {
        var q = ctx.Request.Query;
        problem = null;
        var prefix = q.TryGetValue("prefix", out var p) ? p.ToString() : null;
        var from = q.TryGetValue("from", out var f) ? f.ToString() : null;
        var to = q.TryGetValue("to", out var t) ? t.ToString() : null;
        if (prefix is not null && (from is not null || to is not null))
        {
            range = default;
            problem = Problems.BadRequest("use either query parameter 'prefix' or 'from'/'to', not both");
            return false;
        }
        range = prefix is not null ? KvKeyRange.WithPrefix(prefix) : from is null && to is null ? KvKeyRange.All : KvKeyRange.Between(from, to);
        if (limits.CheckRange(range) is { } bad)
        {
            problem = Problems.BadRequest(bad.Replace("field", "query parameter", StringComparison.Ordinal));
            return false;
        }
        return true;
    }

    internal static bool TryConsistency(string? consistency, out bool linearizable, out IResult? problem)
    {
        problem = null;
        linearizable = true;
        switch (consistency ?? "linearizable")
        {
            case "linearizable": return true;
            case "local": linearizable = false; return true;
            default:
                problem = Problems.BadRequest("query parameter 'consistency' must be 'linearizable' or 'local'");
                return false;
        }
    }

    internal static IResult Failure(KvResult result) => result.ResultCase switch
    {
        KvResult.ResultOneofCase.UnknownSession => Problems.NotFound($"no session '{result.UnknownSession.SessionId}'"),
        KvResult.ResultOneofCase.VersionMismatch => Problems.VersionMismatch(result.VersionMismatch.CurrentVersion),
        KvResult.ResultOneofCase.Invalid => Problems.BadRequest(result.Invalid.Message),
        KvResult.ResultOneofCase.StaleSequence => Problems.Conflict(
            $"stale-sequence: this client's last applied sequence is {result.StaleSequence.LastSequence}"),
        _ => Problems.Of(StatusCodes.Status500InternalServerError, "internal error", "the store returned no result"),
    };

    internal static bool TryClientSession(HttpContext ctx, out ulong clientId, out ulong seq, out IResult? problem)
    {
        clientId = 0;
        seq = 0;
        problem = null;
        var idText = ctx.Request.Headers[ClientIdHeader].ToString();
        var seqText = ctx.Request.Headers[ClientSeqHeader].ToString();
        if (idText.Length == 0 && seqText.Length == 0) return true;
        if (!ulong.TryParse(idText, NumberStyles.None, CultureInfo.InvariantCulture, out clientId) || clientId == 0)
        {
            problem = Problems.BadRequest($"header '{ClientIdHeader}' must be a positive integer when '{ClientSeqHeader}' is sent");
            return false;
        }
        if (!ulong.TryParse(seqText, NumberStyles.None, CultureInfo.InvariantCulture, out seq) || seq == 0)
        {
            problem = Problems.BadRequest($"header '{ClientSeqHeader}' must be a positive integer when '{ClientIdHeader}' is sent");
            return false;
        }
        return true;
    }
}
