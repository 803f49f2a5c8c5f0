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
            if (!TryClientSession(ctx, out var clientId, out var seq, out problem)) return problem!;
            var command = MetaStateMachine.KvCommand(KvCommands.Put(key!, body.Value, body.ExpectedVersion));
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var result = KvCommands.DecodeResult((await meta.ProposeAsync(command, ct, clientId, seq).ConfigureAwait(false)).Span);
                return result.ResultCase == KvResult.ResultOneofCase.Written
                    ? Results.Json(new KvPutResponse(key!, result.Written.Version), DistSyncJson.Options)
                    : Failure(result);
            }).ConfigureAwait(false);
        });

        web.MapGet("/kv/{**key}", async (HttpContext ctx, string? key, string? consistency) =>
        {
            if (limits.CheckKey(key) is { } badKey) return Problems.BadRequest(badKey);
            bool linearizable;
            switch (consistency ?? "linearizable")
            {
                case "linearizable": linearizable = true; break;
                case "local": linearizable = false; break;
                default: return Problems.BadRequest("query parameter 'consistency' must be 'linearizable' or 'local'");
            }
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var value = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Kv.Get(key!), linearizable, ct).ConfigureAwait(false);
                return value is { } v
                    ? Results.Json(new KvGetResponse(key!, v.Value, v.Version), DistSyncJson.Options)
                    : Problems.NotFound($"no key '{key}'");
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

    private static IResult Failure(KvResult result) => result.ResultCase switch
    {
        KvResult.ResultOneofCase.VersionMismatch => Problems.VersionMismatch(result.VersionMismatch.CurrentVersion),
        KvResult.ResultOneofCase.Invalid => Problems.BadRequest(result.Invalid.Message),
        KvResult.ResultOneofCase.StaleSequence => Problems.Conflict(
            $"stale-sequence: this client's last applied sequence is {result.StaleSequence.LastSequence}"),
        _ => Problems.Of(StatusCodes.Status500InternalServerError, "internal error", "the store returned no result"),
    };

    private static bool TryClientSession(HttpContext ctx, out ulong clientId, out ulong seq, out IResult? problem)
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
