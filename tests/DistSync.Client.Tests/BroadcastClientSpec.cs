using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

/// <summary>The broadcast routes of the client against canned answers: publish, read (and its 410), topics, and SSE parsing.</summary>
public class BroadcastClientSpec
{
    private static DistSyncClient ClientWith(StubHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    private static string Problem(int status, string title, string detail, string extra = "") =>
        $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}"{{extra}}}""";

    private static string MessageJson(long seq, string payload = "p", long term = 2) =>
        JsonSerializer.Serialize(new BroadcastMessage(seq, term, payload, "c-1", 1_700_000_000_000 + seq), DistSyncJson.Options);

    private static async Task<List<BroadcastMessage>> All(IAsyncEnumerable<BroadcastMessage> messages)
    {
        var list = new List<BroadcastMessage>();
        await foreach (var m in messages) list.Add(m);
        return list;
    }

    private static string Query(StubHandler handler) => handler.LastRequest!.RequestUri!.Query;

    [Fact]
    public async Task Publish_posts_every_field_in_camel_case_and_reads_the_201_answer()
    {
        var handler = new StubHandler(HttpStatusCode.Created, """{"topic":"room","seq":17}""");
        using var client = ClientWith(handler);

        var published = await client.PublishAsync("room", """{"nick":"ada","text":"hi"}""", "ada-1f", 4);

        Assert.Equal(new BroadcastPublishResponse("room", 17), published);
        Assert.Equal(HttpMethod.Post, handler.LastRequest!.Method);
        Assert.Equal("/broadcast/publish", handler.LastRequest.RequestUri!.AbsolutePath);
        var sent = JsonDocument.Parse(handler.LastBody!).RootElement;
        Assert.Equal("room", sent.GetProperty("topic").GetString());
        Assert.Equal("""{"nick":"ada","text":"hi"}""", sent.GetProperty("payload").GetString());
        Assert.Equal("ada-1f", sent.GetProperty("clientId").GetString());
        Assert.Equal(4, sent.GetProperty("clientSeq").GetInt64());
    }

    [Fact]
    public async Task Publish_without_a_client_id_sends_null_and_seq_0()
    {
        var handler = new StubHandler(HttpStatusCode.Created, """{"topic":"room","seq":1}""");
        using var client = ClientWith(handler);

        await client.PublishAsync("room", "");

        var sent = JsonDocument.Parse(handler.LastBody!).RootElement;
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("clientId").ValueKind);
        Assert.Equal(0, sent.GetProperty("clientSeq").GetInt64());
        Assert.Equal("", sent.GetProperty("payload").GetString());
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "payload exceeds 65536 bytes")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "no quorum within 5000 ms; safe to retry")]
    public async Task A_publish_error_is_an_api_exception_with_status_and_detail(HttpStatusCode status, string detail)
    {
        using var client = ClientWith(new StubHandler(status, Problem((int)status, "error", detail), "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.PublishAsync("room", "x", "c", 1));

        Assert.Equal(typeof(DistSyncApiException), e.GetType());
        Assert.Equal(status, e.StatusCode);
        Assert.Equal(detail, e.Problem!.Detail);
    }

    [Fact]
    public async Task Read_asks_topic_from_and_max_and_reads_the_messages_in_order()
    {
        var handler = new StubHandler(HttpStatusCode.OK, $"[{MessageJson(5, "a")},{MessageJson(6, "b\nc")}]");
        using var client = ClientWith(handler);

        var messages = await client.ReadAsync("room/α b", 5, 2);

        Assert.Equal("/broadcast/read", handler.LastRequest!.RequestUri!.AbsolutePath);
        Assert.Equal("?topic=room%2F%CE%B1%20b&from=5&max=2", Query(handler));
        Assert.Equal(
            [new BroadcastMessage(5, 2, "a", "c-1", 1_700_000_000_005), new BroadcastMessage(6, 2, "b\nc", "c-1", 1_700_000_000_006)],
            messages);
    }

    [Fact]
    public async Task Read_defaults_to_the_first_seq_and_100_messages()
    {
        var handler = new StubHandler(HttpStatusCode.OK, "[]");
        using var client = ClientWith(handler);

        Assert.Empty(await client.ReadAsync("room"));

        Assert.Equal("?topic=room&from=1&max=100", Query(handler));
    }

    [Fact]
    public async Task A_410_with_first_seq_is_a_gone_exception_naming_the_retained_start()
    {
        var body = Problem(410, "gone", "messages before 40 are trimmed", ""","firstSeq":40""");
        using var client = ClientWith(new StubHandler(HttpStatusCode.Gone, body, "application/problem+json"));

        var e = await Assert.ThrowsAsync<BroadcastGoneException>(() => client.ReadAsync("room", 3));

        Assert.Equal(("room", 3L, 40L), (e.Topic, e.From, e.FirstSeq));
        Assert.Equal(HttpStatusCode.Gone, e.StatusCode);
        Assert.Equal("messages before 40 are trimmed", e.Problem!.Detail);
        Assert.IsAssignableFrom<DistSyncApiException>(e);
        Assert.Contains("seq 40", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_410_without_first_seq_is_a_plain_api_exception()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Gone, Problem(410, "gone", "gone"), "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.ReadAsync("room", 3));

        Assert.Equal(typeof(DistSyncApiException), e.GetType());
        Assert.Equal(HttpStatusCode.Gone, e.StatusCode);
    }

    [Fact]
    public async Task Topics_reads_every_topic_with_its_range_and_subscribers()
    {
        var handler = new StubHandler(HttpStatusCode.OK,
            """[{"topic":"room","firstSeq":3,"lastSeq":42,"subscribers":2},{"topic":"empty","firstSeq":1,"lastSeq":0,"subscribers":0}]""");
        using var client = ClientWith(handler);

        var topics = await client.TopicsAsync();

        Assert.Equal("/broadcast/topics", handler.LastRequest!.RequestUri!.AbsolutePath);
        Assert.Equal([new BroadcastTopicInfo("room", 3, 42, 2), new BroadcastTopicInfo("empty", 1, 0, 0)], topics);
    }

    [Fact]
    public async Task Subscribe_parses_one_message_per_event_skipping_comments_and_other_event_types()
    {
        // data split over several lines (joined by LF), CRLF line ends, keep-alive comments, an 'event: ping' and a
        // field without a space after the colon: the five framing cases of the SSE format.
        var sse = $": connected\n\nid: 1\ndata: {MessageJson(1, "one")}\n\n" +
                  ": keep-alive\n\n" +
                  "id: 2\r\ndata: {\"seq\":2,\"term\":3,\r\ndata: \"payload\":\"two\\nlines\",\"clientId\":null,\r\ndata:  \"timestampMs\":99}\r\n\r\n" +
                  "event: ping\ndata: {}\n\n" +
                  $"id:3\ndata:{MessageJson(3, "three")}\n\n" +
                  ": bye\n";
        var handler = new StubHandler(HttpStatusCode.OK, sse, "text/event-stream");
        using var client = ClientWith(handler);

        var messages = await All(client.SubscribeAsync("room"));

        Assert.Equal([1L, 2, 3], messages.Select(m => m.Seq));
        Assert.Equal(new BroadcastMessage(2, 3, "two\nlines", null, 99), messages[1]);
        Assert.Equal("three", messages[2].Payload);
        Assert.Equal("/broadcast/subscribe", handler.LastRequest!.RequestUri!.AbsolutePath);
        Assert.Equal("?topic=room&from=1", Query(handler));
        Assert.Equal("text/event-stream", Assert.Single(handler.LastRequest.Headers.Accept).MediaType);
        Assert.False(handler.LastRequest.Headers.Contains("Last-Event-ID"));
    }

    [Fact]
    public async Task A_resumed_subscribe_sends_from_and_last_event_id_that_agree()
    {
        var handler = new StubHandler(HttpStatusCode.OK, $"id: 8\ndata: {MessageJson(8)}\n\n", "text/event-stream");
        using var client = ClientWith(handler);

        Assert.Equal([8L], (await All(client.SubscribeAsync("room", 8))).Select(m => m.Seq));

        Assert.Equal("?topic=room&from=8", Query(handler));
        Assert.Equal(["7"], handler.LastRequest!.Headers.GetValues("Last-Event-ID"));
    }

    [Fact]
    public async Task A_gone_event_ends_the_stream_with_the_gone_exception_from_the_next_seq()
    {
        var sse = $"id: 4\ndata: {MessageJson(4)}\n\nevent: gone\ndata: {{\"firstSeq\":9}}\n\nid: 9\ndata: {MessageJson(9)}\n\n";
        using var client = ClientWith(new StubHandler(HttpStatusCode.OK, sse, "text/event-stream"));
        var seen = new List<long>();

        var e = await Assert.ThrowsAsync<BroadcastGoneException>(async () =>
        {
            await foreach (var m in client.SubscribeAsync("room", 4)) seen.Add(m.Seq);
        });

        Assert.Equal([4L], seen);
        Assert.Equal(("room", 5L, 9L), (e.Topic, e.From, e.FirstSeq));
    }

    [Fact]
    public async Task An_event_whose_id_is_not_its_seq_is_invalid_data()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.OK, $"id: 9\ndata: {MessageJson(8)}\n\n", "text/event-stream"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => All(client.SubscribeAsync("room")));

        Assert.Contains("'9'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_event_that_is_not_a_message_is_invalid_data()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.OK, "data: not json\n\n", "text/event-stream"));

        await Assert.ThrowsAsync<InvalidDataException>(() => All(client.SubscribeAsync("room")));
    }

    [Fact]
    public async Task A_subscribe_answered_with_json_instead_of_an_event_stream_is_invalid_data()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.OK, "[]"));

        var e = await Assert.ThrowsAsync<InvalidDataException>(() => All(client.SubscribeAsync("room")));

        Assert.Contains("text/event-stream", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_subscribe_below_the_retained_range_is_a_gone_exception()
    {
        var body = Problem(410, "gone", "trimmed", ""","firstSeq":12""");
        using var client = ClientWith(new StubHandler(HttpStatusCode.Gone, body, "application/problem+json"));

        var e = await Assert.ThrowsAsync<BroadcastGoneException>(() => All(client.SubscribeAsync("room", 2)));

        Assert.Equal((2L, 12L), (e.From, e.FirstSeq));
    }

    [Fact]
    public async Task A_refused_subscribe_is_node_unreachable()
    {
        using var client = new DistSyncClient($"127.0.0.1:{ClosedLoopbackPort()}");

        await Assert.ThrowsAsync<NodeUnreachableException>(() => All(client.SubscribeAsync("room")));
    }

    [Fact]
    public async Task A_stream_that_breaks_off_yields_what_came_and_then_is_node_unreachable()
    {
        await using var node = await SseNode.StartAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"id: 1\ndata: {MessageJson(1)}\n\n"), ct);
            await stream.FlushAsync(ct);
            await Task.Delay(200, ct);
        }, chunked: true, abort: true);
        using var client = new DistSyncClient($"127.0.0.1:{node.Port}");

        var seen = new List<long>();
        var e = await Assert.ThrowsAsync<NodeUnreachableException>(async () =>
        {
            await foreach (var m in client.SubscribeAsync("room")) seen.Add(m.Seq);
        });

        Assert.Equal([1L], seen);
        Assert.Contains("127.0.0.1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_clients_timeout_covers_the_headers_but_not_a_stream_that_idles_longer()
    {
        await using var node = await SseNode.StartAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"id: 1\ndata: {MessageJson(1)}\n\n"), ct);
            await stream.FlushAsync(ct);
            await Task.Delay(2500, ct); // two and a half times the client's timeout
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"id: 2\ndata: {MessageJson(2)}\n\n"), ct);
        }, chunked: false, abort: false);
        using var client = new DistSyncClient($"127.0.0.1:{node.Port}", TimeSpan.FromSeconds(1));

        Assert.Equal([1L, 2L], (await All(client.SubscribeAsync("room"))).Select(m => m.Seq));
    }

    [Fact]
    public async Task A_stream_that_brings_nothing_for_the_idle_timeout_is_node_unreachable()
    {
        await using var node = await SseNode.StartAsync(async (stream, ct) =>
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"id: 1\ndata: {MessageJson(1)}\n\n"), ct);
            await stream.FlushAsync(ct);
            await Task.Delay(TimeSpan.FromSeconds(30), ct); // silent: no keep-alive
        }, chunked: false, abort: false);
        using var client = new DistSyncClient($"127.0.0.1:{node.Port}") { StreamIdleTimeout = TimeSpan.FromSeconds(1) };
        var seen = new List<long>();
        var started = DateTime.UtcNow;

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(async () =>
        {
            await foreach (var m in client.SubscribeAsync("room")) seen.Add(m.Seq);
        });

        Assert.Equal([1L], seen);
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Keep_alive_comments_keep_a_quiet_stream_open_past_the_idle_timeout()
    {
        await using var node = await SseNode.StartAsync(async (stream, ct) =>
        {
            // 6 s of keep-alives 100 ms apart against an idle timeout of 4 s: the stream is quiet for longer than the
            // timeout, and a keep-alive arrives 40 times more often than the timeout needs even on a loaded machine
            for (var i = 0; i < 60; i++)
            {
                await stream.WriteAsync(": keep-alive\n\n"u8.ToArray(), ct);
                await stream.FlushAsync(ct);
                await Task.Delay(100, ct);
            }
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"id: 1\ndata: {MessageJson(1)}\n\n"), ct);
        }, chunked: false, abort: false);
        using var client = new DistSyncClient($"127.0.0.1:{node.Port}") { StreamIdleTimeout = TimeSpan.FromSeconds(4) };

        Assert.Equal([1L], (await All(client.SubscribeAsync("room"))).Select(m => m.Seq));
    }

    [Fact]
    public void The_idle_timeout_is_positive_or_infinite()
    {
        Assert.Equal(TimeSpan.FromSeconds(45), new DistSyncClient("127.0.0.1:1").StreamIdleTimeout);
        Assert.Equal(Timeout.InfiniteTimeSpan, new DistSyncClient("127.0.0.1:1") { StreamIdleTimeout = Timeout.InfiniteTimeSpan }.StreamIdleTimeout);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistSyncClient("127.0.0.1:1") { StreamIdleTimeout = TimeSpan.Zero });
    }

    public static TheoryData<string, Func<DistSyncClient, Task>> BadArguments => new()
    {
        { "topic", c => c.PublishAsync("", "x") },
        { "payload", c => c.PublishAsync("t", null!) },
        { "clientId", c => c.PublishAsync("t", "x", "") },
        { "clientSeq", c => c.PublishAsync("t", "x", "c", -1) },
        { "clientSeq", c => c.PublishAsync("t", "x", null, 3) },
        { "topic", c => c.ReadAsync(" ") },
        { "from", c => c.ReadAsync("t", 0) },
        { "max", c => c.ReadAsync("t", 1, 0) },
        { "max", c => c.ReadAsync("t", 1, 1001) },
        { "topic", c => Task.FromResult(c.SubscribeAsync("")) },
        { "from", c => Task.FromResult(c.SubscribeAsync("t", -4)) },
    };

    [Theory]
    [MemberData(nameof(BadArguments))]
    public async Task Bad_arguments_are_refused_before_anything_is_sent_naming_the_parameter(string parameter, Func<DistSyncClient, Task> call)
    {
        var handler = new StubHandler(HttpStatusCode.OK, "{}");
        using var client = ClientWith(handler);

        var e = await Assert.ThrowsAnyAsync<ArgumentException>(() => call(client));

        Assert.Equal(parameter, e.ParamName);
        Assert.Equal(0, handler.Requests);
    }

    private static int ClosedLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>
    /// Tests only: a loopback HTTP/1.1 server answering each request with <c>200 text/event-stream</c> and a body that
    /// <c>write</c> produces over time; with <c>abort</c> the connection is then reset instead of ended.
    /// </summary>
    private sealed class SseNode : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<SseNode> StartAsync(Func<Stream, CancellationToken, Task> write, bool chunked, bool abort)
        {
            var node = new SseNode();
            node._listener.Start();
            // on the thread pool, not xunit's context: the tests' own awaits must not hold up the server's writes
            node._loop = Task.Run(() => node.ServeAsync(write, chunked, abort));
            return Task.FromResult(node);
        }

        private async Task ServeAsync(Func<Stream, CancellationToken, Task> write, bool chunked, bool abort)
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = Task.Run(() => AnswerAsync(socket, write, chunked, abort));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task AnswerAsync(TcpClient socket, Func<Stream, CancellationToken, Task> write, bool chunked, bool abort)
        {
            using (socket)
            {
                try
                {
                    var stream = socket.GetStream();
                    var buffer = new byte[8192];
                    var seen = "";
                    while (!seen.Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        var read = await stream.ReadAsync(buffer, _stop.Token);
                        if (read == 0) return;
                        seen += Encoding.ASCII.GetString(buffer, 0, read);
                    }
                    var framing = chunked ? "Transfer-Encoding: chunked" : "Connection: close";
                    await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n{framing}\r\n\r\n"), _stop.Token);
                    await write(chunked ? new ChunkedWriter(stream) : stream, _stop.Token);
                    if (abort) socket.Client.LingerState = new LingerOption(true, 0); // close with RST
                    else if (chunked) await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), _stop.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                {
                    // the client went away or the test ended
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
        }
    }

    /// <summary>Tests only: writes each buffer as one HTTP/1.1 chunk.</summary>
    private sealed class ChunkedWriter(Stream inner) : Stream
    {
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(Encoding.ASCII.GetBytes($"{buffer.Length:X}\r\n"), cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
            await inner.WriteAsync("\r\n"u8.ToArray(), cancellationToken);
        }
    }
}
