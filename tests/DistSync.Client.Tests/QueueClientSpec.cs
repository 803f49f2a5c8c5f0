using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

public class QueueClientSpec
{
    private static DistSyncClient ClientWith(StubHandler handler) =>
        new(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/") }, ownsHttp: true);

    private static string Problem(int status, string title, string detail) =>
        $$"""{"type":"about:blank","title":"{{title}}","status":{{status}},"detail":"{{detail}}"}""";

    private static JsonElement SentBody(StubHandler handler) => JsonDocument.Parse(handler.LastBody!).RootElement;

    [Fact]
    public async Task Produce_posts_every_field_in_camel_case_and_reads_the_201_answer()
    {
        var handler = new StubHandler(HttpStatusCode.Created, """{"messageId":"m-1","partition":3}""");
        using var client = ClientWith(handler);

        var produced = await client.ProduceAsync("orders", "hello", key: "customer-7", priority: 9, messageId: "m-1", fence: new FenceToken("leader", 42));

        Assert.Equal(new ProduceResponse("m-1", 3), produced);
        Assert.Equal(HttpMethod.Post, handler.LastRequest!.Method);
        Assert.Equal("/queue/produce", handler.LastRequest.RequestUri!.AbsolutePath);
        var sent = SentBody(handler);
        Assert.Equal("orders", sent.GetProperty("queue").GetString());
        Assert.Equal("hello", sent.GetProperty("payload").GetString());
        Assert.Equal("customer-7", sent.GetProperty("key").GetString());
        Assert.Equal(9, sent.GetProperty("priority").GetInt32());
        Assert.Equal("m-1", sent.GetProperty("messageId").GetString());
        Assert.Equal("leader", sent.GetProperty("fence").GetProperty("resource").GetString());
        Assert.Equal(42, sent.GetProperty("fence").GetProperty("fencingToken").GetInt64());
    }

    [Fact]
    public async Task Produce_without_options_leaves_them_to_the_node()
    {
        var handler = new StubHandler(HttpStatusCode.Created, """{"messageId":"generated","partition":0}""");
        using var client = ClientWith(handler);

        var produced = await client.ProduceAsync("orders", "");

        Assert.Equal("generated", produced.MessageId);
        var sent = SentBody(handler);
        Assert.Equal("", sent.GetProperty("payload").GetString());
        foreach (var field in new[] { "key", "priority", "messageId", "fence" })
            Assert.Equal(JsonValueKind.Null, sent.GetProperty(field).ValueKind);
    }

    [Fact]
    public async Task A_409_stale_fence_is_a_stale_fence_exception_naming_the_token_that_is_still_an_api_exception()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "conflict", "stale-fence"), "application/problem+json"));

        var e = await Assert.ThrowsAsync<StaleFenceException>(() => client.ProduceAsync("orders", "x", fence: new FenceToken("leader", 7)));

        Assert.Equal("orders", e.Target);
        Assert.Equal("leader", e.Resource);
        Assert.Equal(7, e.FencingToken);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.IsAssignableFrom<DistSyncApiException>(e);
        Assert.Contains("stale-fence", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_409_is_not_taken_for_a_stale_fence()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.Conflict, Problem(409, "conflict", "something-else"), "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.ProduceAsync("orders", "x", fence: new FenceToken("leader", 7)));

        Assert.IsNotType<StaleFenceException>(e);
        Assert.Contains("something-else", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, "field 'priority' must be 0..9")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, "the body exceeds 1048576 bytes")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "no quorum within 5000 ms; safe to retry")]
    public async Task Other_errors_are_api_exceptions_carrying_status_and_detail(HttpStatusCode status, string detail)
    {
        using var client = ClientWith(new StubHandler(status, Problem((int)status, "error", detail), "application/problem+json"));

        var produce = await Assert.ThrowsAsync<DistSyncApiException>(() => client.ProduceAsync("orders", "x"));
        var consume = await Assert.ThrowsAsync<DistSyncApiException>(() => client.ConsumeAsync("orders"));
        var ack = await Assert.ThrowsAsync<DistSyncApiException>(() => client.AckAsync("orders", ["r"]));

        foreach (var e in new[] { produce, consume, ack })
        {
            Assert.Equal(typeof(DistSyncApiException), e.GetType());
            Assert.Equal(status, e.StatusCode);
            Assert.Equal(detail, e.Problem!.Detail);
            Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Consume_posts_batch_visibility_wait_and_session_and_reads_the_messages()
    {
        const string answer = """
            [{"messageId":"m-1","receipt":"r-1","payload":"a","key":"k","priority":5,"deliveryCount":1},
             {"messageId":"m-2","receipt":"r-2","payload":"b","key":null,"priority":0,"deliveryCount":3}]
            """;
        var handler = new StubHandler(HttpStatusCode.OK, answer);
        using var client = ClientWith(handler);

        var messages = await client.ConsumeAsync("orders", 10, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(1500), "s-4");

        Assert.Equal("/queue/consume", handler.LastRequest!.RequestUri!.AbsolutePath);
        var sent = SentBody(handler);
        Assert.Equal("orders", sent.GetProperty("queue").GetString());
        Assert.Equal(10, sent.GetProperty("max").GetInt32());
        Assert.Equal(30_000, sent.GetProperty("visibilityMs").GetInt64());
        Assert.Equal(1500, sent.GetProperty("waitMs").GetInt64());
        Assert.Equal("s-4", sent.GetProperty("sessionId").GetString());
        Assert.Equal(
            [new ConsumedMessage("m-1", "r-1", "a", "k", 5, 1), new ConsumedMessage("m-2", "r-2", "b", null, 0, 3)],
            messages);
    }

    [Fact]
    public async Task Consume_of_an_empty_queue_is_an_empty_list_and_defaults_are_left_to_the_node()
    {
        var handler = new StubHandler(HttpStatusCode.OK, "[]");
        using var client = ClientWith(handler);

        Assert.Empty(await client.ConsumeAsync("orders"));

        var sent = SentBody(handler);
        Assert.Equal(1, sent.GetProperty("max").GetInt32());
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("visibilityMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("waitMs").ValueKind);
        Assert.Equal(JsonValueKind.Null, sent.GetProperty("sessionId").ValueKind);
    }

    [Fact]
    public async Task A_long_poll_gets_the_clients_timeout_plus_its_wait_while_a_plain_request_times_out()
    {
        // A node that answers every request after 1 s; the client's own timeout is 0.3 s.
        await using var slow = SlowNode.Start(TimeSpan.FromSeconds(1), "[]");
        using var client = new DistSyncClient($"127.0.0.1:{slow.Port}", TimeSpan.FromMilliseconds(300));

        Assert.Empty(await client.ConsumeAsync("orders", wait: TimeSpan.FromSeconds(5)));

        var e = await Assert.ThrowsAsync<NodeUnreachableException>(() => client.ConsumeAsync("orders"));
        Assert.IsType<TimeoutException>(e.InnerException);
        Assert.Contains("0.3 s", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_callers_http_client_whose_timeout_cannot_cover_the_wait_is_refused_before_sending()
    {
        var handler = new StubHandler(HttpStatusCode.OK, "[]");
        using var client = new DistSyncClient(new HttpClient(handler) { BaseAddress = new Uri("http://127.0.0.1:8080/"), Timeout = TimeSpan.FromSeconds(5) }, ownsHttp: true);

        var e = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => client.ConsumeAsync("orders", wait: TimeSpan.FromSeconds(5)));

        Assert.Contains("timeout", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, handler.Requests);
        Assert.Empty(await client.ConsumeAsync("orders", wait: TimeSpan.FromSeconds(4)));
    }

    [Fact]
    public async Task Ack_posts_the_receipts_and_reads_acked_and_unknown()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"acked":1,"unknown":["r-2"]}""");
        using var client = ClientWith(handler);

        var acked = await client.AckAsync("orders", ["r-1", "r-2"]);

        Assert.Equal("/queue/ack", handler.LastRequest!.RequestUri!.AbsolutePath);
        var sent = SentBody(handler);
        Assert.Equal("orders", sent.GetProperty("queue").GetString());
        Assert.Equal(["r-1", "r-2"], sent.GetProperty("receipts").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(1, acked.Acked);
        Assert.Equal(["r-2"], acked.Unknown);
    }

    [Fact]
    public async Task Nack_posts_receipts_and_delay_and_reads_nacked_dead_lettered_and_unknown()
    {
        var handler = new StubHandler(HttpStatusCode.OK, """{"nacked":1,"deadLettered":1,"unknown":[]}""");
        using var client = ClientWith(handler);

        var nacked = await client.NackAsync("orders", ["r-1", "r-2"], TimeSpan.FromSeconds(2));

        Assert.Equal("/queue/nack", handler.LastRequest!.RequestUri!.AbsolutePath);
        var sent = SentBody(handler);
        Assert.Equal(["r-1", "r-2"], sent.GetProperty("receipts").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(2000, sent.GetProperty("delayMs").GetInt64());
        Assert.Equal((1, 1), (nacked.Nacked, nacked.DeadLettered));
        Assert.Empty(nacked.Unknown);
    }

    [Fact]
    public async Task Stats_reads_every_partition()
    {
        const string json = """
            {"queue":"orders","partitions":[
              {"id":0,"groupId":11,"leader":"n1","replicas":["n1","n2","n3"],"movingTo":[],"ready":5,"inflight":2,"deadLettered":1,
               "produced":100,"acked":92,"producedPerSec":12.5,"ackedPerSec":11.25},
              {"id":1,"groupId":12,"leader":null,"replicas":["n2"],"movingTo":["n4"],"ready":0,"inflight":0,"deadLettered":0,
               "produced":0,"acked":0,"producedPerSec":0,"ackedPerSec":0}]}
            """;
        var handler = new StubHandler(HttpStatusCode.OK, json);
        using var client = ClientWith(handler);

        var stats = await client.GetQueueStatsAsync("orders.dlq");

        Assert.Equal(HttpMethod.Get, handler.LastRequest!.Method);
        Assert.Equal("/queue/stats/orders.dlq", handler.LastRequest.RequestUri!.AbsolutePath);
        Assert.Equal("orders", stats.Queue);
        Assert.Equal(2, stats.Partitions.Count);
        var p0 = stats.Partitions[0];
        Assert.Equal((0, 11, "n1", 5L, 2L, 1L, 100L, 92L, 12.5, 11.25),
            (p0.Id, p0.GroupId, p0.Leader, p0.Ready, p0.Inflight, p0.DeadLettered, p0.Produced, p0.Acked, p0.ProducedPerSec, p0.AckedPerSec));
        Assert.Equal(["n1", "n2", "n3"], p0.Replicas);
        Assert.Null(stats.Partitions[1].Leader);
        Assert.Equal(["n4"], stats.Partitions[1].MovingTo);
    }

    [Fact]
    public async Task A_404_from_the_node_is_a_queue_not_found_exception()
    {
        var handler = new StubHandler(HttpStatusCode.NotFound, Problem(404, "not found", "no queue 'nope'"), "application/problem+json");
        using var client = ClientWith(handler);

        var stats = await Assert.ThrowsAsync<QueueNotFoundException>(() => client.GetQueueStatsAsync("nope"));
        Assert.Equal("nope", stats.Queue);
        Assert.Equal(HttpStatusCode.NotFound, stats.StatusCode);
        Assert.Contains("no queue 'nope'", stats.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<QueueNotFoundException>(() => client.ProduceAsync("nope", "x"));
        await Assert.ThrowsAsync<QueueNotFoundException>(() => client.ConsumeAsync("nope"));
        await Assert.ThrowsAsync<QueueNotFoundException>(() => client.AckAsync("nope", ["r"]));
        await Assert.ThrowsAsync<QueueNotFoundException>(() => client.NackAsync("nope", ["r"]));
    }

    [Fact]
    public async Task A_404_to_a_consume_for_a_session_is_not_pinned_on_the_queue()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound, Problem(404, "not found", "no session 's-9'"), "application/problem+json"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.ConsumeAsync("orders", sessionId: "s-9"));

        Assert.Equal(typeof(DistSyncApiException), e.GetType());
        Assert.Contains("no session 's-9'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_404_without_the_nodes_problem_body_is_a_node_without_the_route()
    {
        using var client = ClientWith(new StubHandler(HttpStatusCode.NotFound, "", "text/plain"));

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => client.GetQueueStatsAsync("orders"));

        Assert.IsNotType<QueueNotFoundException>(e);
        Assert.Contains("does not serve", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_reads_every_queue()
    {
        var handler = new StubHandler(HttpStatusCode.OK,
            """[{"queue":"orders","partitions":4,"ready":10,"inflight":2,"deadLettered":0},{"queue":"orders.dlq","partitions":4,"ready":1,"inflight":0,"deadLettered":0}]""");
        using var client = ClientWith(handler);

        var queues = await client.ListQueuesAsync();

        Assert.Equal("/queue/list", handler.LastRequest!.RequestUri!.AbsolutePath);
        Assert.Equal([new QueueSummary("orders", 4, 10, 2, 0), new QueueSummary("orders.dlq", 4, 1, 0, 0)], queues);
    }

    public static TheoryData<string, Func<DistSyncClient, Task>> BadArguments => new()
    {
        { "queue", c => c.ProduceAsync("", "x") },
        { "payload", c => c.ProduceAsync("q", null!) },
        { "priority", c => c.ProduceAsync("q", "x", priority: 10) },
        { "priority", c => c.ProduceAsync("q", "x", priority: -1) },
        { "key", c => c.ProduceAsync("q", "x", key: "") },
        { "messageId", c => c.ProduceAsync("q", "x", messageId: "") },
        { "fence", c => c.ProduceAsync("q", "x", fence: new FenceToken("", 3)) },
        { "fence", c => c.ProduceAsync("q", "x", fence: new FenceToken("r", 0)) },
        { "queue", c => c.ConsumeAsync(" ") },
        { "max", c => c.ConsumeAsync("q", 0) },
        { "max", c => c.ConsumeAsync("q", 1001) },
        { "visibility", c => c.ConsumeAsync("q", visibility: TimeSpan.Zero) },
        { "wait", c => c.ConsumeAsync("q", wait: TimeSpan.FromSeconds(-1)) },
        { "sessionId", c => c.ConsumeAsync("q", sessionId: "") },
        { "receipts", c => c.AckAsync("q", []) },
        { "receipts", c => c.AckAsync("q", ["r", ""]) },
        { "receipts", c => c.NackAsync("q", []) },
        { "delay", c => c.NackAsync("q", ["r"], TimeSpan.FromMilliseconds(-5)) },
        { "queue", c => c.GetQueueStatsAsync("") },
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

    /// <summary>Tests only: a loopback HTTP/1.1 server that answers each request after a fixed delay.</summary>
    private sealed class SlowNode : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private Task _loop = Task.CompletedTask;

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static SlowNode Start(TimeSpan delay, string body)
        {
            var node = new SlowNode();
            node._listener.Start();
            node._loop = node.ServeAsync(delay, body);
            return node;
        }

        private async Task ServeAsync(TimeSpan delay, string body)
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _ = AnswerAsync(socket, delay, body);
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task AnswerAsync(TcpClient socket, TimeSpan delay, string body)
        {
            using (socket)
            {
                try
                {
                    var stream = socket.GetStream();
                    await ReadRequestAsync(stream);
                    await Task.Delay(delay, _stop.Token);
                    var answer = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\nConnection: close\r\n\r\n{body}";
                    await stream.WriteAsync(Encoding.UTF8.GetBytes(answer), _stop.Token);
                }
                catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
                {
                    // the client gave up (timed out) or the test ended
                }
            }
        }

        /// <summary>Reads the headers, then as many body bytes as Content-Length names.</summary>
        private async Task ReadRequestAsync(NetworkStream stream)
        {
            var seen = new List<byte>();
            var buffer = new byte[4096];
            while (true)
            {
                var read = await stream.ReadAsync(buffer, _stop.Token);
                if (read == 0) return;
                seen.AddRange(buffer.AsSpan(0, read));
                var text = Encoding.ASCII.GetString(seen.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end < 0) continue;
                var length = text[..end].Split("\r\n")
                    .Where(h => h.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(h => int.Parse(h["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture))
                    .FirstOrDefault();
                if (seen.Count >= end + 4 + length) return;
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
}
