using System.CommandLine;
using System.Globalization;
using System.Text;
using DistSync.Client;
using DistSync.Client.Contracts;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync broadcast publish|read|subscribe|topics</c>: topics in one total order, the same seqs on every node.</summary>
public static class BroadcastCommands
{
    /// <summary>
    /// What <c>dsync broadcast subscribe</c> was asked to do; <see cref="From"/> null means the first retained message;
    /// with <see cref="SessionId"/> the subscription ends when that session does.
    /// </summary>
    public sealed record SubscribeSettings(string Topic, long? From, bool Json, string? SessionId = null);

    public static Command Build(TextWriter output)
    {
        var broadcast = new Command("broadcast", "total-order broadcast topics: every subscriber on every node sees the same gap-free sequence");
        broadcast.Subcommands.Add(Publish(output));
        broadcast.Subcommands.Add(Read(output));
        broadcast.Subcommands.Add(Subscribe(output));
        broadcast.Subcommands.Add(Topics(output));
        return broadcast;
    }

    /// <summary>
    /// Follows the topic from <see cref="SubscribeSettings.From"/> and prints each message as one line
    /// (<see cref="FormatLine"/>, or the API's JSON object) until <paramref name="ct"/> fires (Ctrl-C), then 0. A
    /// dropped stream or unreachable node is retried from the last printed seq + 1, with a warning. Without a from,
    /// a topic whose first messages were trimmed starts at its first retained one.
    /// </summary>
    /// <exception cref="BroadcastGoneException">Messages after the last printed one were trimmed, or the given from is.</exception>
    public static async Task<int> SubscribeAsync(IReadOnlyList<DistSyncClient> nodes, SubscribeSettings settings, TextWriter output, TextWriter error,
        CancellationToken ct)
    {
        var subscription = new BroadcastSubscription(nodes, settings.Topic, onReconnect: r =>
            error.WriteLine($"warning: stream from {r.Lost.Authority} lost ({r.Reason?.Message ?? "closed by the node"}); resuming at seq {r.ResumeFrom} on {r.Next.Authority}"),
            sessionId: settings.SessionId);
        var from = settings.From ?? 1;
        while (true)
        {
            try
            {
                await foreach (var message in subscription.FollowAsync(from, ct).ConfigureAwait(false))
                {
                    await output.WriteLineAsync(settings.Json ? CliOutput.Json(message) : FormatLine(message)).ConfigureAwait(false);
                    await output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return 0;
            }
            catch (BroadcastGoneException gone) when (settings.From is null && subscription.LastSeq < from)
            {
                from = gone.FirstSeq; // nothing printed yet: the default start is the first retained message
            }
        }
    }

    /// <summary>
    /// One message as one line: <c>[seq] payload</c>. Backslash, tab, CR and LF in the payload are written as
    /// <c>\\</c>, <c>\t</c>, <c>\r</c>, <c>\n</c>, so each message is one line.
    /// </summary>
    public static string FormatLine(BroadcastMessage m) => $"[{Number(m.Seq)}] {CliText.Escape(m.Payload)}";

    private static Command Publish(TextWriter output)
    {
        var topic = new Argument<string>("topic") { Description = "the topic (created by its first message)" };
        var payload = new Argument<string>("payload") { Description = "the message (text)" };
        var clientId = new Option<string?>("--client-id") { Description = "publisher id for dedupe: a repeat of (--client-id, --client-seq) stores nothing new" };
        var clientSeq = CliOptions.Long("--client-seq", "the publisher's own counter, with --client-id (default 0)", 0);
        var publish = new Command("publish", "publishes one message; prints the seq the topic gave it once it is committed (a deduped repeat prints the first seq)")
        {
            topic, payload, clientId, clientSeq,
        };
        publish.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var published = await client.PublishAsync(parse.GetValue(topic)!, parse.GetValue(payload)!, parse.GetValue(clientId), parse.GetValue(clientSeq), ct)
                .ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, published, o => o.WriteLineAsync($"seq: {Number(published.Seq)}")).ConfigureAwait(false);
        });
        return publish;
    }

    private static Command Read(TextWriter output)
    {
        var topic = new Argument<string>("topic") { Description = "the topic" };
        var from = CliOptions.OptionalLong("--from", "first seq to read (default: the first retained message)", min: 1);
        var max = CliOptions.Int("--max", "most messages to read, 1..1000", 100, 1, DistSyncClient.MaxBroadcastRead);
        var json = new Option<bool>("--json") { Description = "print each message as the API's JSON object, one per line (as -o json)" };
        var read = new Command("read", "prints retained messages in seq order, one line each: [seq] payload, or with -o json one JSON object per line; " +
                                       $"exit code {ExitCodes.Failed} when --from is below the retained range (the error names the first retained seq)")
        {
            topic, from, max, json,
        };
        read.SetAction(async (parse, ct) =>
        {
            var name = parse.GetValue(topic)!;
            using var client = DsyncCli.ClientFor(parse);
            IReadOnlyList<BroadcastMessage> messages;
            try
            {
                messages = await client.ReadAsync(name, parse.GetValue(from) ?? 1, parse.GetValue(max), ct).ConfigureAwait(false);
            }
            catch (BroadcastGoneException gone) when (parse.GetValue(from) is null)
            {
                messages = await client.ReadAsync(name, gone.FirstSeq, parse.GetValue(max), ct).ConfigureAwait(false);
            }
            foreach (var m in messages)
                await output.WriteLineAsync(CliOutput.IsJson(parse) ? CliOutput.Json(m) : FormatLine(m)).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        return read;
    }

    private static Command Subscribe(TextWriter output)
    {
        var topic = new Argument<string>("topic") { Description = "the topic" };
        var from = CliOptions.OptionalLong("--from", "first seq to print (default: the first retained message); retained ones come first, then live ones");
        var json = new Option<bool>("--json") { Description = "print each message as the API's JSON object, one per line (as -o json)" };
        var session = new Option<string?>("--session") { Description = "end when this session ends (exit code 3 once the node no longer knows it)" };
        var subscribe = new Command("subscribe", "prints the topic's messages as they are committed, one line each: [seq] payload, until Ctrl-C; " +
                                                 "a lost stream resumes after the last printed seq")
        {
            topic, from, json, session,
        };
        subscribe.SetAction(async (parse, ct) =>
        {
            var settings = new SubscribeSettings(parse.GetValue(topic)!, parse.GetValue(from), CliOutput.IsJson(parse), parse.GetValue(session));
            if (string.IsNullOrWhiteSpace(settings.Topic)) throw new ArgumentException("the topic is empty");
            if (settings.From < 1) throw new ArgumentException($"--from: seqs start at 1, was {settings.From}");
            using var client = DsyncCli.ClientFor(parse);
            return await SubscribeAsync([client], settings, output, parse.InvocationConfiguration.Error, ct).ConfigureAwait(false);
        });
        return subscribe;
    }

    private static Command Topics(TextWriter output)
    {
        var json = new Option<bool>("--json") { Description = "print the API's JSON array; as -o json" };
        var topics = new Command("topics", "every topic with its retained seqs and subscriber count") { json };
        topics.SetAction(async (parse, ct) =>
        {
            using var client = DsyncCli.ClientFor(parse);
            var all = await client.TopicsAsync(ct).ConfigureAwait(false);
            return await CliOutput.ResultAsync(parse, output, all, console =>
            {
                if (all.Count == 0)
                {
                    console.WriteLine("no topics");
                    return;
                }
                var table = new Table().AddColumns("topic", "first seq", "last seq", "retained", "subscribers");
                foreach (var t in all)
                    table.AddRow(Markup.Escape(t.Topic), Number(t.FirstSeq), Number(t.LastSeq), Number(Math.Max(0, t.LastSeq - t.FirstSeq + 1)), Number(t.Subscribers));
                console.Write(table);
            }).ConfigureAwait(false);
        });
        return topics;
    }

    private static string Number(long n) => n.ToString(CultureInfo.InvariantCulture);
}
