using System.Text;
using DistSync.Client.Contracts;
using DistSync.Locks;
using DistSync.Node.Hosting;
using DistSync.Node.Meta;
using DistSync.Node.Queues;
using DistSync.Queues;
using DistSync.Queues.Catalog;
using DistSync.Queues.Wire;
using DistSync.Raft.Hosting;

namespace DistSync.Node.Http;

/// <summary>
/// The Queues routes of API.md (at-least-once). A queue is created with <c>dsync.queues.partitions</c> partitions on its
/// first produce; <c>&lt;queue&gt;.dlq</c> is its dead-letter queue, served by the same partition groups. A produce
/// answers 201 only once its entry is committed in its partition's group. With a <c>fence</c>, the token must still
/// be the resource's current grant in the lock service, and no lower than the highest the partition has seen
/// (409 <c>stale-fence</c>).
/// </summary>
public static class QueueRoutes
{
    public static void Map(WebApplication web, NodeSettings settings, IRaftGroup meta, QueueService queues, QueueMetrics metrics)
    {
        var qs = queues.Settings;

        web.MapPost("/queue/produce", LockAnswers.Handler(async ctx =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ProduceRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (QueueNames.Validate(body!.Queue) is { } badQueue)
                return Problems.BadRequest(body.Queue?.EndsWith(QueueNames.DeadLetterSuffix, StringComparison.Ordinal) == true
                    ? $"field 'queue': '{body.Queue}' is a dead-letter queue; messages arrive there only after max-deliveries"
                    : "field " + Field(badQueue));
            if (body.Payload is null) return Problems.BadRequest("field 'payload' is required");
            var payload = Encoding.UTF8.GetBytes(body.Payload);
            if (payload.Length > qs.Partition.MaxPayloadBytes)
                return Problems.Of(StatusCodes.Status413PayloadTooLarge, "payload too large", $"field 'payload' is {payload.Length} bytes; at most {qs.Partition.MaxPayloadBytes}");
            int priority = body.Priority ?? 0;
            if (priority is < 0 or > 9) return Problems.BadRequest("field 'priority' must be 0..9");
            if (body.Key is { Length: > 512 }) return Problems.BadRequest("field 'key' is longer than 512 characters");
            if (body.MessageId is { Length: 0 or > 512 }) return Problems.BadRequest("field 'messageId' must be 1..512 characters");
            if (Fences.Check(body.Fence) is { } badFence) return Problems.BadRequest(badFence);
            var messageId = body.MessageId ?? Guid.NewGuid().ToString("N");
            // the first produce creates the queue: its partition groups start and elect leaders first, so it gets longer
            var creating = queues.Catalog.Find(body.Queue!) is null ? TimeSpan.FromSeconds(15) : TimeSpan.Zero;
            return await RaftRequest.RunAsync(ctx, settings, creating, async ct =>
            {
                if (body.Fence is { } fence && !await Fences.IsCurrentGrantAsync(meta, fence, ct).ConfigureAwait(false))
                    return Fences.Stale(fence.Resource!, fence.FencingToken, "it is not a current grant of the resource in the lock service");
                var queue = await queues.EnsureQueueAsync(body.Queue!, ct).ConfigureAwait(false);
                // no key: a client-chosen messageId routes by its hash, so a retry reaches the partition that dedupes it
                int index = queues.PartitionFor(queue, !string.IsNullOrEmpty(body.Key) ? body.Key : body.MessageId);
                var command = QueueCommands.Produce(messageId, payload, priority, body.Key ?? "", body.Fence?.Resource, body.Fence?.FencingToken ?? 0);
                var result = await queues.ProposeAsync(queue.Partitions[index], command, ct).ConfigureAwait(false);
                switch (result.ResultCase)
                {
                    case QueueResult.ResultOneofCase.Produced:
                        metrics.Produced(queue.Name);
                        return LockAnswers.Json(new ProduceResponse(result.Produced.MessageId, index), StatusCodes.Status201Created);
                    case QueueResult.ResultOneofCase.StaleFence:
                        return Fences.Stale(result.StaleFence.Resource, result.StaleFence.Token, $"the partition has seen token {result.StaleFence.HighestToken}");
                    default:
                        return Failure(result);
                }
            }).ConfigureAwait(false);
        }));

        web.MapPost("/queue/consume", LockAnswers.Handler(async ctx =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ConsumeRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (CheckName(body!.Queue) is { } badName) return badName;
            var (name, deadLetter) = QueueNames.Parse(body.Queue!);
            int max = body.Max ?? 1;
            if (max is < 1 or > 1000) return Problems.BadRequest("field 'max' must be 1..1000");
            long visibilityMs = body.VisibilityMs ?? (long)qs.DefaultVisibility.TotalMilliseconds;
            if (visibilityMs < 1 || visibilityMs > qs.Partition.MaxVisibilityMs) return Problems.BadRequest($"field 'visibilityMs' must be 1..{qs.Partition.MaxVisibilityMs}");
            long waitMs = body.WaitMs ?? 0;
            if (waitMs < 0 || waitMs > (long)qs.MaxWait.TotalMilliseconds) return Problems.BadRequest($"field 'waitMs' must be 0..{(long)qs.MaxWait.TotalMilliseconds}");
            var wait = TimeSpan.FromMilliseconds(waitMs);
            return await RaftRequest.RunAsync(ctx, settings, wait, async ct =>
            {
                ulong session = 0;
                if (!string.IsNullOrEmpty(body.SessionId))
                {
                    var known = await meta.QueryAsync(sm => ((MetaStateMachine)sm).Locks.Sessions.Find(body.SessionId) is not null, linearizable: true, ct).ConfigureAwait(false);
                    if (!known) return Problems.NotFound($"session '{body.SessionId}' does not exist (expired or deleted)");
                    session = QueueService.SessionKey(body.SessionId);
                }
                List<(DistSync.Queues.Catalog.Wire.PartitionInfo Partition, DistSync.Queues.Wire.ConsumedMessage Message)> got;
                try
                {
                    got = await queues.ConsumeAsync(name, deadLetter, max, visibilityMs, session, wait, ct).ConfigureAwait(false);
                }
                catch (ArgumentException e)
                {
                    return Problems.BadRequest(e.Message);
                }
                var answer = new List<DistSync.Client.Contracts.ConsumedMessage>(got.Count);
                foreach (var (p, m) in got)
                    answer.Add(new DistSync.Client.Contracts.ConsumedMessage(m.MessageId, QueueService.Receipt(p, m.Seq, m.LeaseId), m.Payload.ToStringUtf8(),
                        m.Key.Length == 0 ? null : m.Key, m.Priority, m.DeliveryCount));
                return LockAnswers.Json(answer);
            }).ConfigureAwait(false);
        }));

        web.MapPost("/queue/ack", LockAnswers.Handler(async ctx =>
        {
            var (body, problem) = await JsonBody.ReadAsync<AckRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (CheckName(body!.Queue) is { } badName) return badName;
            if (CheckReceipts(body.Receipts, qs) is { } badReceipts) return badReceipts;
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var (acked, _, unknown) = await SettleAsync(queues, body.Queue!, body.Receipts!, nack: false, 0, ct).ConfigureAwait(false);
                metrics.Acked(body.Queue!, acked);
                return LockAnswers.Json(new AckResponse(acked, unknown));
            }).ConfigureAwait(false);
        }));

        web.MapPost("/queue/nack", LockAnswers.Handler(async ctx =>
        {
            var (body, problem) = await JsonBody.ReadAsync<NackRequest>(ctx, settings.MaxRequestBodyBytes).ConfigureAwait(false);
            if (problem is not null) return problem;
            if (CheckName(body!.Queue) is { } badName) return badName;
            if (CheckReceipts(body.Receipts, qs) is { } badReceipts) return badReceipts;
            long delayMs = body.DelayMs ?? 0;
            if (delayMs < 0 || delayMs > qs.Partition.MaxDelayMs) return Problems.BadRequest($"field 'delayMs' must be 0..{qs.Partition.MaxDelayMs}");
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
            {
                var (nacked, deadLettered, unknown) = await SettleAsync(queues, body.Queue!, body.Receipts!, nack: true, delayMs, ct).ConfigureAwait(false);
                metrics.Nacked(body.Queue!, nacked + deadLettered);
                return LockAnswers.Json(new NackResponse(nacked, deadLettered, unknown));
            }).ConfigureAwait(false);
        }));

        web.MapGet("/queue/stats/{queue}", async (HttpContext ctx, string queue) =>
        {
            if (CheckName(queue) is { } badName) return badName;
            var (name, deadLetter) = QueueNames.Parse(queue);
            if (queues.Catalog.Find(name) is not { } info) return Problems.NotFound($"queue '{queue}' does not exist");
            return await RaftRequest.RunAsync(ctx, settings, async ct =>
                LockAnswers.Json(new QueueStatsResponse(queue, await QueueStats.PartitionsAsync(queues, info, deadLetter, ct).ConfigureAwait(false)))).ConfigureAwait(false);
        });

        web.MapGet("/queue/list", LockAnswers.Handler(async ctx =>
            await RaftRequest.RunAsync(ctx, settings, async ct =>
                LockAnswers.Json(await QueueStats.ListAsync(queues, ct).ConfigureAwait(false))).ConfigureAwait(false)));
    }

    private static string Field(string error) => error.StartsWith("queue:", StringComparison.Ordinal) ? "'queue'" + error["queue".Length..] : error;

    private static IResult? CheckName(string? queue)
    {
        if (string.IsNullOrEmpty(queue)) return Problems.BadRequest("field 'queue' is required");
        var (name, _) = QueueNames.Parse(queue);
        return QueueNames.Validate(name) is { } error ? Problems.BadRequest("field " + Field(error)) : null;
    }

    private static IResult? CheckReceipts(IReadOnlyList<string>? receipts, QueueSettings qs)
    {
        if (receipts is null || receipts.Count == 0) return Problems.BadRequest("field 'receipts' must list at least one receipt");
        if (receipts.Count > qs.Partition.MaxReceipts) return Problems.BadRequest($"field 'receipts' lists more than {qs.Partition.MaxReceipts}");
        return null;
    }

    /// <summary>Acks or nacks receipts, one proposal per partition named; receipts that parse to no partition of this
    /// queue, or that the partition does not recognise, are reported unknown (in request order).</summary>
    private static async Task<(int Done, int DeadLettered, List<string> Unknown)> SettleAsync(QueueService queues, string queueName, IReadOnlyList<string> receipts,
        bool nack, long delayMs, CancellationToken ct)
    {
        var (name, _) = QueueNames.Parse(queueName);
        var unknown = new HashSet<string>(StringComparer.Ordinal);
        var byGroup = new Dictionary<int, List<(string Text, Receipt Receipt)>>();
        var info = queues.Catalog.Find(name);
        foreach (var text in receipts)
        {
            if (info is null || !QueueService.TryParseReceipt(text, out int groupId, out long seq, out long lease) || info.Partitions.All(p => p.GroupId != groupId))
            {
                unknown.Add(text);
                continue;
            }
            if (!byGroup.TryGetValue(groupId, out var list)) byGroup[groupId] = list = [];
            list.Add((text, QueueCommands.Receipt(seq, lease)));
        }
        // one proposal per partition named, all in parallel
        var calls = new List<(List<(string Text, Receipt Receipt)> List, Task<QueueResult> Result)>();
        foreach (var (groupId, list) in byGroup)
        {
            var partition = info!.Partitions.First(p => p.GroupId == groupId);
            var command = nack ? QueueCommands.Nack(list.Select(r => r.Receipt), delayMs) : QueueCommands.Ack(list.Select(r => r.Receipt));
            calls.Add((list, queues.ProposeAsync(partition, command, ct)));
        }
        // every proposal is awaited before any failure is reported (a retry of the whole request is safe: what was
        // already acked reports as unknown)
        try
        {
            await Task.WhenAll(calls.Select(c => c.Result)).ConfigureAwait(false);
        }
        catch (Exception)
        {
            foreach (var (_, task) in calls)
                if (task.IsFaulted) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(task.Exception!.GetBaseException());
            throw;
        }
        int done = 0, dead = 0;
        foreach (var (list, task) in calls)
        {
            var result = task.Result;
            IEnumerable<Receipt> notKnown = [];
            switch (result.ResultCase)
            {
                case QueueResult.ResultOneofCase.Acked: done += result.Acked.AckedCount; notKnown = result.Acked.Unknown; break;
                case QueueResult.ResultOneofCase.Nacked: done += result.Nacked.Returned; dead += result.Nacked.DeadLettered; notKnown = result.Nacked.Unknown; break;
                default: notKnown = list.Select(r => r.Receipt); break;
            }
            foreach (var r in notKnown)
                foreach (var (text, receipt) in list)
                    if (receipt.Seq == r.Seq && receipt.LeaseId == r.LeaseId) unknown.Add(text);
        }
        return (done, dead, receipts.Where(unknown.Contains).Distinct().ToList());
    }

    private static IResult Failure(QueueResult result) => result.ResultCase switch
    {
        QueueResult.ResultOneofCase.Invalid => Problems.BadRequest($"field '{result.Invalid.Field}': {result.Invalid.Message}"),
        _ => Problems.Of(StatusCodes.Status500InternalServerError, "unexpected result", $"the partition answered {result.ResultCase}"),
    };
}
