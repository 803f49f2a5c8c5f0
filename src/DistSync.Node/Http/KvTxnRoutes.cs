using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.KeyValue;
using DistSync.KeyValue.Wire;
using DistSync.Node.Hosting;
using DistSync.Node.Meta;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// <c>POST /kv/txn</c> (docs/KV.md): the JSON body becomes one <see cref="Txn"/> entry of the meta group; bad input is
/// a 400 naming the field (<c>compare[1].op</c>) before anything is proposed, a value over the limit a 413, a put
/// bound to a session that is not live a 404.
/// </summary>
public static class KvTxnRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, KvLimits limits)
    {
        web.MapPost("/kv/txn", async (HttpContext ctx) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<KvTxnRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (!TryBuild(body!, out var txn, out problem)) return problem!;
            if (KvTxnRules.Check(txn, limits) is { } bad)
                return bad.TooLarge ? Problems.Of(StatusCodes.Status413PayloadTooLarge, "too large", bad.Message) : Problems.BadRequest(bad.Message);
            if (!KvRoutes.TryClientSession(ctx, out var clientId, out var seq, out problem)) return problem!;
            var command = MetaStateMachine.KvCommand(KvCommands.Txn(txn));
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var result = KvCommands.DecodeResult((await meta.ProposeAsync(command, ct, clientId, seq).ConfigureAwait(false)).Span);
                return result.ResultCase == KvResult.ResultOneofCase.Txn
                    ? Results.Json(ToResponse(result.Txn, result.Txn.Succeeded ? body!.Success : body!.Failure), DistSyncJson.Options)
                    : KvRoutes.Failure(result);
            }).ConfigureAwait(false);
        });
    }

    /// <summary>Maps the JSON body onto the wire command; false with a 400 naming the field when it does not map.</summary>
    public static bool TryBuild(KvTxnRequest body, out Txn txn, out IResult? problem)
    {
        txn = new Txn();
        problem = null;
        var compares = body.Compare ?? [];
        for (var i = 0; i < compares.Count; i++)
        {
            if (!TryCompare(compares[i], $"compare[{i}]", out var compare, out var error))
            {
                problem = Problems.BadRequest(error!);
                return false;
            }
            txn.Compare.Add(compare);
        }
        return TryOps(body.Success, "success", txn.Success, out problem) && TryOps(body.Failure, "failure", txn.Failure, out problem);
    }

    private static bool TryCompare(KvCompare? c, string field, out Compare compare, out string? error)
    {
        compare = new Compare();
        error = null;
        if (c is null)
        {
            error = $"field '{field}' must be an object";
            return false;
        }
        compare.Key = c.Key ?? "";
        var targets = (c.Version is null ? 0 : 1) + (c.CreateVersion is null ? 0 : 1) + (c.Value is null ? 0 : 1) + (c.Exists is null ? 0 : 1);
        if (targets != 1)
        {
            error = $"field '{field}' needs exactly one of 'version', 'createVersion', 'value', 'exists' (it has {targets})";
            return false;
        }
        if (c.Version is { } v) compare.Version = v;
        else if (c.CreateVersion is { } cv) compare.CreateVersion = cv;
        else if (c.Value is { } value) compare.Value = value;
        else compare.Exists = c.Exists!.Value;
        switch (c.Op ?? "==")
        {
            case "==" or "=": compare.Op = CompareOp.Equal; break;
            case "!=": compare.Op = CompareOp.NotEqual; break;
            case "<": compare.Op = CompareOp.Less; break;
            case ">": compare.Op = CompareOp.Greater; break;
            default:
                error = $"field '{field}.op' must be '==', '!=', '<' or '>'";
                return false;
        }
        return true;
    }

    private static bool TryOps(IReadOnlyList<KvTxnOp>? ops, string list, ICollection<TxnOp> into, out IResult? problem)
    {
        problem = null;
        if (ops is null) return true;
        for (var i = 0; i < ops.Count; i++)
        {
            var field = $"{list}[{i}]";
            var op = ops[i];
            TxnOp? mapped = op?.Op switch
            {
                null when op is null => null,
                "put" when op.Prefix is null => KvCommands.TxnPut(op.Key ?? "", op.Value ?? "", op.SessionId),
                "delete" when op.Prefix is not null && op.Key is null => KvCommands.TxnDeleteRange(KvKeyRange.WithPrefix(op.Prefix)),
                "delete" when op.Prefix is null => KvCommands.TxnDelete(op.Key ?? ""),
                "get" when op.Prefix is null => KvCommands.TxnGet(op.Key ?? ""),
                _ => null,
            };
            if (mapped is null)
            {
                problem = Problems.BadRequest(op is null ? $"field '{field}' must be an object"
                    : op.Op is "put" or "delete" or "get" ? $"field '{field}' takes 'key', or for a delete 'prefix', not both"
                    : $"field '{field}.op' must be 'put', 'delete' or 'get'");
                return false;
            }
            if (op!.Op == "put" && op.Value is null)
            {
                problem = Problems.BadRequest($"field '{field}.value' is required");
                return false;
            }
            if (op.SessionId is { Length: 0 } || op.SessionId is not null && op.Op != "put")
            {
                problem = Problems.BadRequest($"field '{field}.sessionId' is only for a put, and must not be empty");
                return false;
            }
            into.Add(mapped);
        }
        return true;
    }

    private static KvTxnResponse ToResponse(TxnResult result, IReadOnlyList<KvTxnOp>? ops)
    {
        var results = new KvTxnOpResult[result.Results.Count];
        for (var i = 0; i < results.Length; i++)
        {
            var op = ops![i];
            var r = result.Results[i];
            results[i] = r.ResultCase switch
            {
                TxnOpResult.ResultOneofCase.Put => new KvTxnOpResult("put", op.Key, Version: r.Put.Version),
                TxnOpResult.ResultOneofCase.Delete => new KvTxnOpResult("delete", op.Key, Deleted: r.Delete.Deleted, Prefix: op.Prefix),
                _ => r.Get.Found
                    ? new KvTxnOpResult("get", op.Key, Version: r.Get.Version, Found: true, Value: r.Get.Value, CreateVersion: r.Get.CreateVersion,
                        SessionId: r.Get.SessionId.Length == 0 ? null : r.Get.SessionId)
                    : new KvTxnOpResult("get", op.Key, Found: false),
            };
        }
        return new KvTxnResponse(result.Succeeded, result.Version, results);
    }
}
