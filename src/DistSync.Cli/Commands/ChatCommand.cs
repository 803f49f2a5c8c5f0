using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Commands;

/// <summary>
/// <c>dsync chat &lt;topic&gt; --name &lt;nick&gt;</c>: a terminal chat on a broadcast topic. It shows the last
/// <see cref="HistorySize"/> messages, then live ones as <c>[seq] nick: text</c>, in the topic's one order, so every
/// participant's screen shows the same lines. Each stdin line is published as <c>{"nick","text"}</c>; when a node
/// dies the chat moves to the next one, resuming after the last seq it showed, and a publish is retried there with
/// the same (clientId, clientSeq), so the topic dedupes it.
/// </summary>
public static class ChatCommand
{
    /// <summary>How many of the latest messages are shown on joining.</summary>
    public const int HistorySize = 20;

    /// <summary>Longest nick accepted.</summary>
    public const int MaxNickLength = 32;

    /// <summary><c>/who</c> lists the nicks of the messages seen whose (leader) timestamp is this recent.</summary>
    public static readonly TimeSpan WhoWindow = TimeSpan.FromMinutes(5);

    /// <summary>What a chat was asked to do.</summary>
    /// <param name="Patience">How long a publish or the history read keeps trying other nodes before it gives up.</param>
    /// <param name="RetryDelay">The pause once every node failed in a row.</param>
    public sealed record ChatSettings(string Topic, string Nick, TimeSpan Patience, TimeSpan RetryDelay);

    /// <summary>The payload of a chat message (camelCase JSON: <c>{"nick","text"}</c>).</summary>
    public sealed record ChatLine(string? Nick, string? Text);

    public static Command Build(TextWriter output)
    {
        var topic = new Argument<string>("topic") { Description = "the broadcast topic to chat on" };
        var name = new Option<string>("--name") { Description = "your nick", Required = true };
        var nodes = new Option<string?>("--nodes")
        {
            Description = "comma-separated host:port of the nodes to use, in order (default: --endpoints or --node); the chat moves to the next one when one dies",
        };
        var chat = new Command("chat", "an interactive chat on a topic: shows the recent history, then live messages as '[seq] nick: text'; " +
                                       "each line typed is sent; /who lists who wrote in the last 5 minutes, /quit leaves")
        {
            topic, name, nodes,
        };
        chat.SetAction(async (parse, ct) =>
        {
            var settings = new ChatSettings(parse.GetValue(topic)!, parse.GetValue(name)!, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(300));
            Validate(settings);
            if (CliOutput.IsJson(parse)) throw new ArgumentException("chat is interactive: -o json is not supported (use 'broadcast subscribe -o json')");
            IReadOnlyList<string> addresses = parse.GetValue(nodes) is { } list
                ? list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                : DsyncCli.EndpointsFor(parse);
            if (addresses.Count == 0) throw new ArgumentException("--nodes: no address given");
            var timeout = TimeSpan.FromSeconds(parse.GetValue(DsyncCli.TimeoutOption));
            var clients = addresses.Select(a => DsyncCli.ClientFor(parse, [a], timeout)).ToList();
            try
            {
                return await RunAsync(clients, settings, Console.In, output, parse.InvocationConfiguration.Error, TimeProvider.System, ct).ConfigureAwait(false);
            }
            finally
            {
                foreach (var c in clients) c.Dispose();
            }
        });
        return chat;
    }

    /// <summary>
    /// Runs one chat until <c>/quit</c>, the end of <paramref name="input"/> or <paramref name="ct"/> (all 0). Chat
    /// lines go to <paramref name="output"/>, and so do answers to commands (starting with <c>--</c>); notes on
    /// moving nodes and failed publishes go to <paramref name="error"/>.
    /// </summary>
    /// <exception cref="BroadcastGoneException">Messages after the last one shown were trimmed before they could be shown.</exception>
    public static async Task<int> RunAsync(IReadOnlyList<DistSyncClient> nodes, ChatSettings settings, TextReader input, TextWriter output, TextWriter error,
        TimeProvider time, CancellationToken ct)
    {
        Validate(settings);
        if (nodes.Count == 0) throw new ArgumentException("no nodes given", nameof(nodes));
        var session = new Session(nodes, settings, output, error, time);
        return await session.RunAsync(input, ct).ConfigureAwait(false);
    }

    /// <summary>One message as the chat shows it: <c>[seq] nick: text</c>, or <c>[seq] payload</c> when it is not a chat line.</summary>
    public static string FormatLine(BroadcastMessage m) =>
        TryParseLine(m.Payload) is { } line
            ? $"[{m.Seq.ToString(CultureInfo.InvariantCulture)}] {Printable(line.Nick!)}: {Printable(line.Text!)}"
            : BroadcastCommands.FormatLine(m);

    private static ChatLine? TryParseLine(string payload)
    {
        try
        {
            return JsonSerializer.Deserialize<ChatLine>(payload, DistSyncJson.Options) is { Nick.Length: > 0, Text: not null } line ? line : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Control characters (an escape sequence a peer typed) are shown as '?', so no one can repaint another's terminal.</summary>
    private static string Printable(string text) =>
        text.Any(char.IsControl) ? string.Concat(text.Select(c => char.IsControl(c) ? '?' : c)) : text;

    private static void Validate(ChatSettings settings)
    {
        if (string.IsNullOrWhiteSpace(settings.Topic)) throw new ArgumentException("the topic is empty");
        var nick = settings.Nick;
        if (string.IsNullOrEmpty(nick) || nick.Length > MaxNickLength || nick.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == ':'))
            throw new ArgumentException($"--name: a nick is 1..{MaxNickLength} characters without spaces or ':', was '{nick}'");
    }

    private static bool IsTransient(Exception e) =>
        e is NodeUnreachableException || e is DistSyncApiException api && api.StatusCode >= HttpStatusCode.InternalServerError;

    /// <summary>The state of one running chat. Output is written under <see cref="_gate"/>: the stream and the prompt both write.</summary>
    private sealed class Session(IReadOnlyList<DistSyncClient> nodes, ChatSettings settings, TextWriter output, TextWriter error, TimeProvider time)
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, long> _lastWroteMs = new(StringComparer.Ordinal); // under _gate
        private readonly string _clientId = settings.Nick + "-" + RandomNumberGenerator.GetHexString(8, lowercase: true);
        private long _clientSeq;
        private int _requestNode; // where history reads and publishes go; moves on when that node fails

        public async Task<int> RunAsync(TextReader input, CancellationToken ct)
        {
            var lastShown = await WithFailoverAsync(ShowHistoryAsync, ct).ConfigureAwait(false);
            Say(output, $"-- {settings.Nick} on '{settings.Topic}' via {nodes[_requestNode].BaseAddress.Authority}; /who lists who is here, /quit leaves");

            using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
            // The stream starts at the node that served the history, then goes round the others.
            IReadOnlyList<DistSyncClient> order = [.. nodes.Skip(_requestNode), .. nodes.Take(_requestNode)];
            var subscription = new BroadcastSubscription(order, settings.Topic, settings.RetryDelay, r =>
                Say(error, $"-- lost {r.Lost.Authority} ({r.Reason?.Message ?? "stream closed"}); resuming at seq {r.ResumeFrom} on {r.Next.Authority}"));
            var follow = Task.Run(() => FollowAsync(subscription, lastShown + 1, stop.Token), CancellationToken.None);
            try
            {
                while (true)
                {
                    var read = Task.Run(input.ReadLine, CancellationToken.None);
                    var first = await Task.WhenAny(read, follow).WaitAsync(ct).ConfigureAwait(false);
                    if (first == follow) break; // it ended by an error, rethrown below
                    var line = await read.ConfigureAwait(false);
                    if (line is null || line.Trim() == "/quit") break;
                    await HandleAsync(line.Trim(), ct).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl-C: leave as /quit does
            }
            await stop.CancelAsync().ConfigureAwait(false);
            await follow.ConfigureAwait(false);
            return 0;
        }

        private async Task FollowAsync(BroadcastSubscription subscription, long from, CancellationToken ct)
        {
            try
            {
                await foreach (var message in subscription.FollowAsync(from, ct).ConfigureAwait(false)) Show(message);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
            }
        }

        private async Task HandleAsync(string line, CancellationToken ct)
        {
            switch (line)
            {
                case "":
                    return;
                case "/who":
                    Say(output, Who());
                    return;
                case ['/', ..]:
                    Say(output, $"-- unknown command {line}; /who lists who is here, /quit leaves");
                    return;
                default:
                    await PublishAsync(line, ct).ConfigureAwait(false);
                    return;
            }
        }

        /// <summary>Shows the latest <see cref="HistorySize"/> messages; returns the last seq shown (or before which the live part starts).</summary>
        private async Task<long> ShowHistoryAsync(DistSyncClient node, CancellationToken ct)
        {
            var topics = await node.TopicsAsync(ct).ConfigureAwait(false);
            if (topics.FirstOrDefault(t => t.Topic == settings.Topic) is not { } info) return 0;
            if (info.LastSeq < info.FirstSeq) return info.LastSeq; // nothing retained
            var from = Math.Max(info.FirstSeq, info.LastSeq - (HistorySize - 1));
            IReadOnlyList<BroadcastMessage> messages;
            try
            {
                messages = await node.ReadAsync(settings.Topic, from, HistorySize, ct).ConfigureAwait(false);
            }
            catch (BroadcastGoneException gone)
            {
                // trimmed since the topics answer: the oldest retained message is recent enough
                from = gone.FirstSeq;
                messages = await node.ReadAsync(settings.Topic, from, HistorySize, ct).ConfigureAwait(false);
            }
            foreach (var m in messages) Show(m);
            return messages.Count > 0 ? messages[^1].Seq : from - 1;
        }

        /// <summary>Sends one line; a retry on another node carries the same (clientId, clientSeq), so it is stored once.</summary>
        private async Task PublishAsync(string text, CancellationToken ct)
        {
            var payload = JsonSerializer.Serialize(new ChatLine(settings.Nick, text), DistSyncJson.Options);
            var seq = ++_clientSeq;
            try
            {
                await WithFailoverAsync((node, token) => node.PublishAsync(settings.Topic, payload, _clientId, seq, token), ct).ConfigureAwait(false);
            }
            catch (DistSyncApiException e)
            {
                Say(error, $"-- not sent: {e.Message}");
            }
            catch (NodeUnreachableException e)
            {
                Say(error, $"-- not sent within {settings.Patience.TotalSeconds:0.#} s: {e.Message}");
            }
        }

        /// <summary>
        /// Runs <paramref name="call"/> on the current request node; an unreachable node or a 5xx moves to the next
        /// node (pausing after each full round) until <see cref="ChatSettings.Patience"/> is spent, then rethrows.
        /// </summary>
        private async Task<T> WithFailoverAsync<T>(Func<DistSyncClient, CancellationToken, Task<T>> call, CancellationToken ct)
        {
            var deadline = time.GetUtcNow() + settings.Patience;
            for (var failures = 1; ; failures++)
            {
                var node = nodes[_requestNode];
                try
                {
                    return await call(node, ct).ConfigureAwait(false);
                }
                catch (Exception e) when (IsTransient(e) && time.GetUtcNow() < deadline)
                {
                    _requestNode = (_requestNode + 1) % nodes.Count;
                    if (failures % nodes.Count == 0) await Task.Delay(settings.RetryDelay, ct).ConfigureAwait(false);
                }
            }
        }

        private void Show(BroadcastMessage m)
        {
            lock (_gate)
            {
                if (TryParseLine(m.Payload) is { } line)
                    _lastWroteMs[line.Nick!] = Math.Max(m.TimestampMs, _lastWroteMs.GetValueOrDefault(line.Nick!));
                output.WriteLine(FormatLine(m));
                output.Flush();
            }
        }

        private string Who()
        {
            var since = time.GetUtcNow().ToUnixTimeMilliseconds() - (long)WhoWindow.TotalMilliseconds;
            string[] here;
            lock (_gate) here = [.. _lastWroteMs.Where(kv => kv.Value >= since).Select(kv => Printable(kv.Key)).Order(StringComparer.Ordinal)];
            return here.Length == 0
                ? $"-- nobody wrote in the last {WhoWindow.TotalMinutes:0} minutes"
                : $"-- wrote in the last {WhoWindow.TotalMinutes:0} minutes: {string.Join(", ", here)}";
        }

        private void Say(TextWriter to, string line)
        {
            lock (_gate)
            {
                to.WriteLine(line);
                to.Flush();
            }
        }
    }
}
