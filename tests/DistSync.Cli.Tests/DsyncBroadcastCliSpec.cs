using static DistSync.Cli.Tests.CliHarness;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using DistSync.Cli.Commands;
using DistSync.Client;
using DistSync.Client.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DistSync.Cli.Tests;

/// <summary>
/// The broadcast verbs' parsing, usage errors and output against fake nodes (<see cref="FakeBroadcastNode"/>: the
/// routes of API.md over an in-memory topic log, requests recorded): no DistSync node needed.
/// </summary>
public class DsyncBroadcastCliSpec
{
    [Fact]
    public async Task Help_lists_the_broadcast_verbs_and_the_chat()
    {
        var (code, output, _) = await Run("broadcast", "--help");

        Assert.Equal(0, code);
        foreach (var verb in new[] { "publish", "read", "subscribe", "topics" }) Assert.Contains(verb, output);
        var root = (await Run("--help")).Out;
        Assert.Contains("broadcast", root);
        Assert.Contains("chat", root);
    }

    [Theory]
    [InlineData("clientSeq", "publish", "t", "x", "--client-seq", "3")]
    [InlineData("clientId", "publish", "t", "x", "--client-id", "")]
    [InlineData("clientSeq", "publish", "t", "x", "--client-id", "c", "--client-seq", "-1")]
    [InlineData("topic", "publish", "", "x")]
    [InlineData("from", "read", "t", "--from", "0")]
    [InlineData("max", "read", "t", "--max", "0")]
    [InlineData("max", "read", "t", "--max", "1001")]
    [InlineData("topic", "read", " ")]
    [InlineData("--from", "subscribe", "t", "--from", "0")]
    [InlineData("topic", "subscribe", "")]
    public async Task Bad_input_is_a_usage_error_naming_it_before_any_request(string named, params string[] args)
    {
        // Nothing listens on this port: a request would end in exit code 5 (unavailable), not 2.
        var (code, output, err) = await Run(["broadcast", .. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}"]);

        Assert.Equal(2, code);
        Assert.Contains(named, err);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("publish", "t", "x")]
    [InlineData("read", "t")]
    [InlineData("topics")]
    public async Task An_unreachable_node_gives_one_clear_error_line_and_exit_code_unavailable(params string[] args)
    {
        var (code, output, err) = await Run(["broadcast", .. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}"]);

        Assert.Equal(ExitCodes.Unavailable, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot reach DistSync node at 127.0.0.1:", line);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task Publish_posts_topic_payload_and_client_pair_and_prints_the_seq_a_repeat_prints_the_first()
    {
        var log = new FakeBroadcast();
        log.Publish("room", "earlier");
        await using var node = await FakeBroadcastNode.StartAsync(log);

        var first = await Run("broadcast", "publish", "room", "hello world", "--client-id", "ada-1", "--client-seq", "7", "--node", node.Address);
        var repeat = await Run("broadcast", "publish", "room", "hello world", "--client-id", "ada-1", "--client-seq", "7", "--node", node.Address);

        Assert.True(first.Code == 0, first.Err);
        Assert.Equal("seq: 2\n", first.Out);
        Assert.Equal("seq: 2\n", repeat.Out);
        var sent = JsonSerializer.Deserialize<BroadcastPublishRequest>(log.Bodies("POST /broadcast/publish")[0], DistSyncJson.Options);
        Assert.Equal(new BroadcastPublishRequest("room", "hello world", "ada-1", 7), sent);
        Assert.Equal(["earlier", "hello world"], log.Messages("room").Select(m => m.Payload));
    }

    [Fact]
    public async Task Read_prints_one_line_per_message_with_control_characters_escaped()
    {
        var log = new FakeBroadcast();
        foreach (var p in new[] { "one", "two\nlines", "tab\there", "back\\slash", "five" }) log.Publish("room", p);
        await using var node = await FakeBroadcastNode.StartAsync(log);

        var (code, output, err) = await Run("broadcast", "read", "room", "--from", "2", "--max", "3", "--node", node.Address);

        Assert.True(code == 0, err);
        Assert.Equal("[2] two\\nlines\n[3] tab\\there\n[4] back\\\\slash\n", output);
        Assert.Equal(["GET /broadcast/read?topic=room&from=2&max=3"], log.Routes());
    }

    [Fact]
    public async Task Read_with_json_prints_the_apis_objects()
    {
        var log = new FakeBroadcast();
        log.Publish("room", "a\nb", "c-1", 1);
        await using var node = await FakeBroadcastNode.StartAsync(log);

        var (code, output, err) = await Run("broadcast", "read", "room", "--json", "--node", node.Address);

        Assert.True(code == 0, err);
        var message = JsonSerializer.Deserialize<BroadcastMessage>(Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries)), DistSyncJson.Options)!;
        Assert.Equal((1L, "a\nb", "c-1"), (message.Seq, message.Payload, message.ClientId));
    }

    [Fact]
    public async Task Read_below_the_retained_range_is_exit_code_failed_naming_the_first_retained_seq_but_the_default_start_follows_it()
    {
        var log = new FakeBroadcast();
        for (var i = 1; i <= 5; i++) log.Publish("room", "m" + i);
        log.Trim("room", keepFrom: 4);
        await using var node = await FakeBroadcastNode.StartAsync(log);

        var explicitFrom = await Run("broadcast", "read", "room", "--from", "2", "--node", node.Address);
        var byDefault = await Run("broadcast", "read", "room", "--node", node.Address);

        Assert.Equal(ExitCodes.Failed, explicitFrom.Code); // 410: neither missing nor a conflict
        Assert.Equal("", explicitFrom.Out);
        Assert.Equal("error: topic 'room': messages before seq 4 are no longer retained (asked from 2)", explicitFrom.Err.Trim());
        Assert.True(byDefault.Code == 0, byDefault.Err);
        Assert.Equal("[4] m4\n[5] m5\n", byDefault.Out);
    }

    [Fact]
    public async Task Topics_is_a_table_of_ranges_and_subscribers_or_says_there_are_none()
    {
        var log = new FakeBroadcast();
        await using var node = await FakeBroadcastNode.StartAsync(log);
        Assert.Equal("no topics\n", (await Run("broadcast", "topics", "--node", node.Address)).Out);
        for (var i = 0; i < 12; i++) log.Publish("room", "m");
        log.Trim("room", keepFrom: 3);
        log.Publish("alerts", "m");

        var (code, output, err) = await Run("broadcast", "topics", "--node", node.Address);
        var json = await Run("broadcast", "topics", "--json", "--node", node.Address);

        Assert.True(code == 0, err);
        foreach (var column in new[] { "topic", "first seq", "last seq", "retained", "subscribers" }) Assert.Contains(column, output);
        var room = Assert.Single(output.Split('\n'), r => r.Contains("room", StringComparison.Ordinal));
        Assert.Equal(["room", "3", "12", "10", "0"], room.Split(['│', '|', ' '], StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([new BroadcastTopicInfo("alerts", 1, 1, 0), new BroadcastTopicInfo("room", 3, 12, 0)],
            JsonSerializer.Deserialize<List<BroadcastTopicInfo>>(json.Out, DistSyncJson.Options)!.OrderBy(t => t.Topic, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Subscribe_prints_retained_then_live_messages_until_cancelled_and_rides_out_a_dropped_stream()
    {
        var log = new FakeBroadcast();
        log.Publish("room", "before");
        await using var node = await FakeBroadcastNode.StartAsync(log);
        using var client = new DistSyncClient(node.Address);
        var output = new LockedWriter();
        var error = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var run = BroadcastCommands.SubscribeAsync([client], new BroadcastCommands.SubscribeSettings("room", null, false), output, error, stop.Token);
        await output.WaitForAsync("[1] before");
        log.Publish("room", "live");
        await output.WaitForAsync("[2] live");
        node.DropStreams(); // the node closes every stream: the CLI resumes at seq 3
        log.Publish("room", "after the drop");
        await output.WaitForAsync("[3] after the drop");
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Equal("[1] before\n[2] live\n[3] after the drop\n", output.Text);
        Assert.Contains("resuming at seq 3", error.Text);
        Assert.Contains("GET /broadcast/subscribe?topic=room&from=3 last=2", log.Routes());
    }

    [Fact]
    public async Task Subscribe_without_from_starts_at_the_first_retained_message_when_the_first_ones_are_trimmed()
    {
        var log = new FakeBroadcast();
        for (var i = 1; i <= 4; i++) log.Publish("room", "m" + i);
        log.Trim("room", keepFrom: 3);
        await using var node = await FakeBroadcastNode.StartAsync(log);
        using var client = new DistSyncClient(node.Address);
        var output = new LockedWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var run = BroadcastCommands.SubscribeAsync([client], new BroadcastCommands.SubscribeSettings("room", null, false), output, TextWriter.Null, stop.Token);
        await output.WaitForAsync("[4] m4");
        await stop.CancelAsync();

        Assert.Equal(0, await run);
        Assert.Equal("[3] m3\n[4] m4\n", output.Text);
    }

    [Fact]
    public async Task Subscribe_from_a_trimmed_seq_is_exit_code_failed()
    {
        var log = new FakeBroadcast();
        for (var i = 1; i <= 4; i++) log.Publish("room", "m" + i);
        log.Trim("room", keepFrom: 3);
        await using var node = await FakeBroadcastNode.StartAsync(log);

        var (code, output, err) = await Run("broadcast", "subscribe", "room", "--from", "1", "--node", node.Address);

        Assert.Equal(ExitCodes.Failed, code);
        Assert.Equal("", output);
        Assert.Contains("messages before seq 3 are no longer retained", err);
    }
}

/// <summary>Tests only: a thread-safe text sink whose readers can wait for a line to appear.</summary>
internal sealed class LockedWriter : TextWriter
{
    private readonly System.Text.StringBuilder _text = new();

    public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;

    public string Text
    {
        get
        {
            lock (_text) return _text.ToString().Replace("\r", "");
        }
    }

    public override void Write(char value)
    {
        lock (_text) _text.Append(value);
    }

    public override void Write(string? value)
    {
        lock (_text) _text.Append(value);
    }

    public override void WriteLine(string? value)
    {
        lock (_text) _text.Append(value).Append('\n');
    }

    public override Task WriteLineAsync(string? value)
    {
        WriteLine(value);
        return Task.CompletedTask;
    }

    /// <summary>Waits until a whole line equal to <paramref name="line"/> was written.</summary>
    public Task WaitForAsync(string line) => WaitUntilAsync(text => text.Split('\n').Contains(line), $"the line '{line}'");

    /// <summary>Waits until <paramref name="fragment"/> was written (within a line or across lines).</summary>
    public Task WaitForTextAsync(string fragment) => WaitUntilAsync(text => text.Contains(fragment, StringComparison.Ordinal), $"'{fragment}'");

    private async Task WaitUntilAsync(Func<string, bool> seen, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!seen(Text))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"{what} did not appear within 15 s; written so far:\n{Text}");
            await Task.Delay(20);
        }
    }
}

/// <summary>
/// Tests only: the state the broadcast routes serve, shared by every <see cref="FakeBroadcastNode"/> as a replicated
/// log would be: per topic the messages from seq 1 (the first <c>Trim</c>med away), dedupe by (clientId, clientSeq),
/// and every request as <c>"METHOD /path?query"</c> (subscribes add <c>last=N</c> for a Last-Event-ID).
/// </summary>
internal sealed class FakeBroadcast
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<BroadcastMessage>> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _firstSeq = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string, long), long> _published = [];
    private readonly List<(string Route, string Body)> _requests = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>When set, the next publish is committed but its answer is lost (the connection is cut instead).</summary>
    public bool LoseNextPublishAnswer { get; set; }

    /// <summary>Completes at the next publish.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate) return _changed.Task;
        }
    }

    public long Publish(string topic, string payload, string? clientId = null, long clientSeq = 0, long? timestampMs = null)
    {
        TaskCompletionSource changed;
        long seq;
        lock (_gate)
        {
            if (clientId is not null && _published.TryGetValue((topic, clientId, clientSeq), out var first)) return first;
            if (!_topics.TryGetValue(topic, out var list)) _topics[topic] = list = [];
            seq = (list.Count > 0 ? list[^1].Seq : _firstSeq.GetValueOrDefault(topic, 1) - 1) + 1;
            list.Add(new BroadcastMessage(seq, 3, payload, clientId, timestampMs ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
            if (clientId is not null) _published[(topic, clientId, clientSeq)] = seq;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.SetResult();
        return seq;
    }

    /// <summary>Drops the messages before <paramref name="keepFrom"/>, as retention would.</summary>
    public void Trim(string topic, long keepFrom)
    {
        lock (_gate)
        {
            _topics[topic].RemoveAll(m => m.Seq < keepFrom);
            _firstSeq[topic] = keepFrom;
        }
    }

    public IReadOnlyList<BroadcastMessage> Messages(string topic)
    {
        lock (_gate) return [.. _topics.GetValueOrDefault(topic, [])];
    }

    /// <summary>The messages from <paramref name="from"/> on, or the first retained seq when <paramref name="from"/> is below it.</summary>
    public (IReadOnlyList<BroadcastMessage> Messages, long? GoneFirstSeq) Read(string topic, long from, int max)
    {
        lock (_gate)
        {
            var first = _firstSeq.GetValueOrDefault(topic, 1);
            if (from < first) return ([], first);
            return ([.. _topics.GetValueOrDefault(topic, []).Where(m => m.Seq >= from).Take(max)], null);
        }
    }

    public IReadOnlyList<BroadcastTopicInfo> Topics(Func<string, int> subscribers)
    {
        lock (_gate)
        {
            return [.. _topics.Select(t => new BroadcastTopicInfo(t.Key, _firstSeq.GetValueOrDefault(t.Key, 1),
                t.Value.Count > 0 ? t.Value[^1].Seq : _firstSeq.GetValueOrDefault(t.Key, 1) - 1, subscribers(t.Key)))];
        }
    }

    public void Record(string route, string body)
    {
        lock (_gate) _requests.Add((route, body));
    }

    public IReadOnlyList<string> Routes()
    {
        lock (_gate) return [.. _requests.Select(r => r.Route)];
    }

    public IReadOnlyList<string> Bodies(string routePrefix)
    {
        lock (_gate) return [.. _requests.Where(r => r.Route.StartsWith(routePrefix, StringComparison.Ordinal)).Select(r => r.Body)];
    }
}

/// <summary>
/// Tests only: one loopback HTTP node serving API.md's broadcast routes over a <see cref="FakeBroadcast"/>. SSE
/// streams send a keep-alive comment first, then the messages from <c>from</c> (or Last-Event-ID + 1) and live ones.
/// <see cref="KillAsync"/> cuts every connection and closes the port, as a dead process would.
/// </summary>
internal sealed class FakeBroadcastNode : IAsyncDisposable
{
    private readonly WebApplication _web;
    private readonly FakeBroadcast _log;
    private CancellationTokenSource _drop = new();
    private int _subscribers;
    private bool _stopped;

    private FakeBroadcastNode(WebApplication web, FakeBroadcast log)
    {
        _web = web;
        _log = log;
    }

    public string Address { get; private set; } = "";

    public static async Task<FakeBroadcastNode> StartAsync(FakeBroadcast log)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var web = builder.Build();
        var node = new FakeBroadcastNode(web, log);
        web.Run(node.ServeAsync);
        await web.StartAsync();
        node.Address = new Uri(web.Urls.Single()).Authority;
        return node;
    }

    /// <summary>Ends every open stream normally (the client sees the stream close, not a reset).</summary>
    public void DropStreams()
    {
        var old = Interlocked.Exchange(ref _drop, new CancellationTokenSource());
        old.Cancel();
        old.Dispose();
    }

    /// <summary>Cuts every connection and stops listening.</summary>
    public async Task KillAsync()
    {
        _stopped = true;
        DropStreams();
        using var now = new CancellationTokenSource(TimeSpan.FromMilliseconds(100)); // no graceful drain
        await _web.StopAsync(now.Token);
    }

    private async Task ServeAsync(HttpContext ctx)
    {
        var request = ctx.Request;
        var lastEventId = request.Headers["Last-Event-ID"].ToString();
        var route = $"{request.Method} {request.Path}{request.QueryString}" + (lastEventId.Length > 0 ? " last=" + lastEventId : "");
        using var reader = new StreamReader(request.Body);
        _log.Record(route, await reader.ReadToEndAsync());
        if (_stopped)
        {
            ctx.Abort();
            return;
        }
        switch ((request.Method, request.Path.Value))
        {
            case ("POST", "/broadcast/publish"):
                await PublishAsync(ctx);
                break;
            case ("GET", "/broadcast/read"):
                await ReadAsync(ctx);
                break;
            case ("GET", "/broadcast/topics"):
                await Json(ctx, 200, _log.Topics(_ => Volatile.Read(ref _subscribers)));
                break;
            case ("GET", "/broadcast/subscribe"):
                await SubscribeAsync(ctx, lastEventId);
                break;
            default:
                ctx.Response.StatusCode = 404;
                break;
        }
    }

    private async Task PublishAsync(HttpContext ctx)
    {
        var body = JsonSerializer.Deserialize<BroadcastPublishRequest>(_log.Bodies("POST /broadcast/publish")[^1], DistSyncJson.Options)!;
        var seq = _log.Publish(body.Topic!, body.Payload!, body.ClientId, body.ClientSeq);
        if (_log.LoseNextPublishAnswer)
        {
            _log.LoseNextPublishAnswer = false;
            ctx.Abort();
            return;
        }
        await Json(ctx, 201, new BroadcastPublishResponse(body.Topic!, seq));
    }

    private async Task ReadAsync(HttpContext ctx)
    {
        var q = ctx.Request.Query;
        var (messages, gone) = _log.Read(q["topic"]!, long.Parse(q["from"]!, CultureInfo.InvariantCulture), int.Parse(q["max"]!, CultureInfo.InvariantCulture));
        if (gone is { } first) await Gone(ctx, first);
        else await Json(ctx, 200, messages);
    }

    private async Task SubscribeAsync(HttpContext ctx, string lastEventId)
    {
        var topic = ctx.Request.Query["topic"].ToString();
        var from = lastEventId.Length > 0 ? long.Parse(lastEventId, CultureInfo.InvariantCulture) + 1 : long.Parse(ctx.Request.Query["from"]!, CultureInfo.InvariantCulture);
        if (_log.Read(topic, from, 1).GoneFirstSeq is { } first)
        {
            await Gone(ctx, first);
            return;
        }
        using var end = CancellationTokenSource.CreateLinkedTokenSource(ctx.RequestAborted, _drop.Token);
        Interlocked.Increment(ref _subscribers);
        try
        {
            ctx.Response.ContentType = "text/event-stream";
            await ctx.Response.WriteAsync(": keep-alive\n\n", end.Token);
            await ctx.Response.Body.FlushAsync(end.Token);
            while (!end.IsCancellationRequested)
            {
                var changed = _log.Changed;
                var (messages, _) = _log.Read(topic, from, 1000);
                foreach (var m in messages)
                {
                    await ctx.Response.WriteAsync($"id: {m.Seq}\ndata: {JsonSerializer.Serialize(m, DistSyncJson.Options)}\n\n", end.Token);
                    from = m.Seq + 1;
                }
                await ctx.Response.Body.FlushAsync(end.Token);
                await changed.WaitAsync(end.Token);
            }
        }
        catch (OperationCanceledException)
        {
            if (_stopped) ctx.Abort();
        }
        finally
        {
            Interlocked.Decrement(ref _subscribers);
        }
    }

    private static Task Gone(HttpContext ctx, long firstSeq) =>
        Json(ctx, 410, new { type = "about:blank", title = "gone", status = 410, detail = $"messages before {firstSeq} are trimmed", firstSeq });

    private static async Task Json<T>(HttpContext ctx, int status, T body)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = status >= 400 ? "application/problem+json" : "application/json";
        await ctx.Response.WriteAsync(JsonSerializer.Serialize(body, DistSyncJson.Options));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped) await KillAsync();
        await _web.DisposeAsync();
        _drop.Dispose();
    }
}
