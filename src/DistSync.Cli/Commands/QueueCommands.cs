using System.CommandLine;
using System.Globalization;
using System.Text;
using DistSync.Client;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync queue produce|consume|ack|nack|stats|list</c>: the partitioned at-least-once queues.</summary>
public static class QueueCommands
{
    /// <summary>How long one request of <c>consume --follow</c> long-polls when <c>--wait</c> is not given.</summary>
    public static readonly TimeSpan FollowWait = TimeSpan.FromSeconds(20);

    /// <summary>What <c>dsync queue consume</c> was asked to do.</summary>
    public sealed record ConsumeSettings(string Queue, int Max, TimeSpan? Visibility, TimeSpan? Wait, string? SessionId, bool Follow, bool Ack, bool Json);

    public static Command Build(TextWriter output)
    {
        var queue = new Command("queue", "partitioned queues with at-least-once delivery, priorities, dedupe and dead-letter queues");
        queue.Subcommands.Add(Produce(output));
        queue.Subcommands.Add(Consume(output));
        queue.Subcommands.Add(Ack(output));
        queue.Subcommands.Add(Nack(output));
        queue.Subcommands.Add(Stats(output));
        queue.Subcommands.Add(List(output));
        return queue;
    }

    /// <summary>
    /// Consumes as <paramref name="settings"/> say and prints each message as one line (<see cref="FormatLine"/>, or
    /// the API's JSON object with <see cref="ConsumeSettings.Json"/>); with <see cref="ConsumeSettings.Ack"/> acks
    /// each batch once printed. Once: exit code 0, or <see cref="ExitCodes.NotFound"/> when no message was ready or a
    /// receipt was no longer leased.
    /// Follow: long-polls until <paramref name="ct"/> fires (Ctrl-C), riding out 503s and an unreachable node, then 0;
    /// other errors (400, 404) end it by their exception, as in one-shot mode.
    /// </summary>
    public static async Task<int> ConsumeAsync(DistSyncClient client, ConsumeSettings settings, TextWriter output, TextWriter error, CancellationToken ct)
    {
        var wait = settings.Wait ?? (settings.Follow ? FollowWait : null);
        while (true)
        {
            IReadOnlyList<ConsumedMessage> batch;
            try
            {
                batch = await client.ConsumeAsync(settings.Queue, settings.Max, settings.Visibility, wait, settings.SessionId, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                if (settings.Follow) return 0;
                await error.WriteLineAsync("cancelled while waiting").ConfigureAwait(false);
                return ExitCodes.Failed;
            }
            catch (Exception e) when (settings.Follow && IsWorthRetrying(e))
            {
                await error.WriteLineAsync($"warning: consume failed, retrying: {e.Message}").ConfigureAwait(false);
                if (!await PauseAsync(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false)) return 0;
                continue;
            }

            foreach (var message in batch)
                await output.WriteLineAsync(settings.Json ? CliOutput.Json(message) : FormatLine(message)).ConfigureAwait(false);
            await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);

            var allAcked = true;
            if (settings.Ack && batch.Count > 0)
            {
                // Printed messages are acked even when Ctrl-C came meanwhile, so they are not delivered twice.
                try
                {
                    var acked = await client.AckAsync(settings.Queue, batch.Select(m => m.Receipt), CancellationToken.None).ConfigureAwait(false);
                    allAcked = acked.Unknown.Count == 0;
                    if (!allAcked) await WriteUnknownAsync(error, acked.Unknown, "lease expired before the ack; the message will be delivered again").ConfigureAwait(false);
                }
                catch (Exception e) when (settings.Follow && IsWorthRetrying(e))
                {
                    await error.WriteLineAsync($"warning: ack failed, the batch will be delivered again: {e.Message}").ConfigureAwait(false);
                }
            }

            if (!settings.Follow)
            {
                if (batch.Count == 0) await error.WriteLineAsync($"no message ready in '{settings.Queue}'").ConfigureAwait(false);
                return batch.Count > 0 && allAcked ? ExitCodes.Ok : ExitCodes.NotFound;
            }
            // Without a long poll an empty queue would be asked in a tight loop.
            if (batch.Count == 0 && (wait ?? TimeSpan.Zero) == TimeSpan.Zero && !await PauseAsync(TimeSpan.FromMilliseconds(500), ct).ConfigureAwait(false)) return 0;
            if (ct.IsCancellationRequested) return 0;
        }
    }

    /// <summary>
    /// One consumed message as one tab-separated line: message id, delivery count, key (<c>-</c> for none), payload,
    /// receipt. Backslash, tab, CR and LF in the key and payload are written as <c>\\</c>, <c>\t</c>, <c>\r</c>, <c>\n</c>.
    /// </summary>
    public static string FormatLine(ConsumedMessage m) =>
        string.Join('\t', CliText.Escape(m.MessageId), m.DeliveryCount.ToString(CultureInfo.InvariantCulture), m.Key is null ? "-" : CliText.Escape(m.Key), CliText.Escape(m.Payload), m.Receipt);

    /// <summary>
    /// Parses a duration that must carry its unit ("500ms", "30s", "2m"): these options mirror API fields in
    /// milliseconds while <c>lock --wait</c> reads a bare number as seconds, so a bare number would be misread either way.
    /// </summary>
    public static TimeSpan ParseDurationWithUnit(string text, string option)
    {
        var t = text.Trim();
        if (t.Length == 0 || char.IsDigit(t[^1]) || t[^1] == '.')
            throw new ArgumentException($"{option}: '{text}' needs a unit (e.g. 500ms, 30s, 2m)");
        return LockCommands.ParseDuration(t, option);
    }

    private static bool IsWorthRetrying(Exception e) =>
        e is NodeUnreachableException || e is DistSyncApiException { StatusCode: System.Net.HttpStatusCode.ServiceUnavailable };

    /// <summary>False when <paramref name="ct"/> fired during the pause.</summary>
    private static async Task<bool> PauseAsync(TimeSpan pause, CancellationToken ct)
    {
        try
        {
            await Task.Delay(pause, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task WriteUnknownAsync(TextWriter error, IReadOnlyList<string> unknown, string why)
    {
        foreach (var receipt in unknown)
            await error.WriteLineAsync($"unknown receipt {receipt}: {why}").ConfigureAwait(false);
    }

    private static Command Produce(TextWriter output)
    {
        var queue = new Argument<string>("queue") { Description = "the queue" };
        var payload = new Argument<string>("payload") { Description = "the message (text)" };
        var key = new Option<string?>("--key") { Description = "partition key: messages with one key are delivered in order" };
        var priority = CliOptions.OptionalInt("--priority", "0..9, higher is delivered first (default 0)", 0, 9);
        var messageId = new Option<string?>("--message-id") { Description = "id for dedupe: a retry with the same id stores nothing new" };
        var fenceResource = new Option<string?>("--fence-resource") { Description = "only produce while this lock's grant --fence-token is the latest" };
        var fenceToken = CliOptions.OptionalLong("--fence-token", "the fencing token of --fence-resource's grant", min: 0);
        var produce = new Command("produce", $"produces one message; prints its id and partition once it is committed; exit code {ExitCodes.Conflict} on a stale fence")
        {
            queue, payload, key, priority, messageId, fenceResource, fenceToken,
        };
        produce.SetAction(async (parse, ct) =>
        {
            var fence = (parse.GetValue(fenceResource), parse.GetValue(fenceToken)) switch
            {
                (null, null) => null,
                ({ } resource, { } token) => new FenceToken(resource, token),
                _ => throw new ArgumentException("--fence-resource and --fence-token go together"),
            };
            using var client = DsyncCli.ClientFor(parse);
            var produced = await client.ProduceAsync(parse.GetValue(queue)!, parse.GetValue(payload)!, parse.GetValue(key), parse.GetValue(priority),
                parse.GetValue(messageId), fence, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, produced, async o =>
            {
                await o.WriteLineAsync($"message id: {produced.MessageId}").ConfigureAwait(false);
                await o.WriteLineAsync($"partition: {produced.Partition}").ConfigureAwait(false);
            }).ConfigureAwait(false);
        });
        return produce;
    }

    private static Command Consume(TextWriter output)
    {
        var queue = new Argument<string>("queue") { Description = "the queue (<queue>.dlq for its dead letters)" };
        var max = CliOptions.Int("--max", "most messages per request, 1..1000", 1, 1, DistSyncClient.MaxConsumeBatch);
        var visibility = CliOptions.OptionalDuration("--visibility", "lease time before an unacked message is delivered again (e.g. 30s; node default 30s)");
        var wait = CliOptions.OptionalDuration("--wait", "long-poll this long when no message is ready (e.g. 5s; default 0, with --follow 20s)");
        var session = new Option<string?>("--session") { Description = "lease for this session: its messages return at once when it ends" };
        var follow = new Option<bool>("--follow", "-f") { Description = "keep consuming (long-poll) until Ctrl-C" };
        var ack = new Option<bool>("--ack") { Description = "ack each batch once printed" };
        var json = new Option<bool>("--json") { Description = "print each message as the API's JSON object, one per line (as -o json)" };
        var consume = new Command("consume",
            "leases messages and prints one line each: message id, delivery count, key, payload, receipt (tab-separated); " +
            $"-o json: one JSON object per message and line; exit code {ExitCodes.NotFound} when none was ready")
        {
            queue, max, visibility, wait, session, follow, ack, json,
        };
        consume.SetAction(async (parse, ct) =>
        {
            var settings = new ConsumeSettings(
                parse.GetValue(queue)!,
                parse.GetValue(max),
                parse.GetValue(visibility),
                parse.GetValue(wait),
                parse.GetValue(session),
                parse.GetValue(follow),
                parse.GetValue(ack),
                parse.GetValue(json) || CliOutput.IsJson(parse));
            using var client = DsyncCli.ClientFor(parse);
            return await ConsumeAsync(client, settings, output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return consume;
    }

    private static Command Ack(TextWriter output)
    {
        var queue = new Argument<string>("queue") { Description = "the queue" };
        var receipts = new Argument<string[]>("receipt") { Description = "receipts of the deliveries to ack", Arity = ArgumentArity.OneOrMore };
        var ack = new Command("ack", $"deletes delivered messages; exit code {ExitCodes.NotFound} when a receipt named no current lease") { queue, receipts };
        ack.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var acked = await client.AckAsync(parse.GetValue(queue)!, parse.GetValue(receipts)!, ct).ConfigureAwait(false);
            await WriteUnknownAsync(parse.InvocationConfiguration.Error, acked.Unknown, "already acked, or its lease expired").ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, acked, o => o.WriteLineAsync($"acked {acked.Acked}"),
                acked.Unknown.Count == 0 ? ExitCodes.Ok : ExitCodes.NotFound).ConfigureAwait(false);
        });
        return ack;
    }

    private static Command Nack(TextWriter output)
    {
        var queue = new Argument<string>("queue") { Description = "the queue" };
        var receipts = new Argument<string[]>("receipt") { Description = "receipts of the deliveries to return", Arity = ArgumentArity.OneOrMore };
        var delay = CliOptions.OptionalDuration("--delay", "ready again after this long (e.g. 500ms, 10s; default 0)");
        var nack = new Command("nack", "returns delivered messages to the queue (or its .dlq after max deliveries); " +
                                       $"exit code {ExitCodes.NotFound} when a receipt named no current lease")
        {
            queue, receipts, delay,
        };
        nack.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var nacked = await client.NackAsync(parse.GetValue(queue)!, parse.GetValue(receipts)!, parse.GetValue(delay), ct).ConfigureAwait(false);
            await WriteUnknownAsync(parse.InvocationConfiguration.Error, nacked.Unknown, "already acked, or its lease expired").ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, nacked, o => o.WriteLineAsync($"nacked {nacked.Nacked}, dead-lettered {nacked.DeadLettered}"),
                nacked.Unknown.Count == 0 ? ExitCodes.Ok : ExitCodes.NotFound).ConfigureAwait(false);
        });
        return nack;
    }

    private static Command Stats(TextWriter output)
    {
        var queue = new Argument<string>("queue") { Description = "the queue" };
        var statsCommand = new Command("stats", "per partition: leader, replicas, ready, in-flight and dead-lettered counts, produce and ack rates") { queue };
        statsCommand.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var stats = await client.GetQueueStatsAsync(parse.GetValue(queue)!, ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, stats, console => WriteStats(console, stats)).ConfigureAwait(false);
        });
        return statsCommand;
    }

    private static Command List(TextWriter output)
    {
        var list = new Command("list", "every queue (and dead-letter queue) with its partitions and message counts");
        list.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var queues = await client.ListQueuesAsync(ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, queues, console =>
            {
                if (queues.Count == 0)
                {
                    console.WriteLine("no queues");
                    return;
                }
                var table = new Table().AddColumns("queue", "partitions", "ready", "inflight", "dlq");
                foreach (var q in queues)
                    table.AddRow(Markup.Escape(q.Queue), Number(q.Partitions), Number(q.Ready), Number(q.Inflight), Number(q.DeadLettered));
                console.Write(table);
            }).ConfigureAwait(false);
        });
        return list;
    }

    internal static void WriteStats(IAnsiConsole console, QueueStatsResponse stats)
    {
        var table = new Table().AddColumns("partition", "leader", "replicas", "ready", "inflight", "dlq", "produced/s", "acked/s");
        foreach (var p in stats.Partitions)
        {
            var replicas = string.Join(", ", p.Replicas) + (p.MovingTo.Count > 0 ? $" (moving to {string.Join(", ", p.MovingTo)})" : "");
            table.AddRow(
                Number(p.Id),
                Markup.Escape(p.Leader ?? "none"),
                Markup.Escape(replicas),
                Number(p.Ready),
                Number(p.Inflight),
                Number(p.DeadLettered),
                p.ProducedPerSec.ToString("0.0", CultureInfo.InvariantCulture),
                p.AckedPerSec.ToString("0.0", CultureInfo.InvariantCulture));
        }
        console.WriteLine($"queue {stats.Queue}: {stats.Partitions.Count} partition(s)");
        console.Write(table);
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
