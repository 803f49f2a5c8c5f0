using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

/// <summary>
/// <see cref="BroadcastSubscription"/> over two scripted stub nodes: a stream that breaks or ends, a node that is
/// down, a node that resumes with a repeat or a jump. The yielded seqs must be 1, 2, 3, … exactly once each.
/// </summary>
public class BroadcastSubscriptionSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private static string Event(long seq) =>
        $"id: {seq}\ndata: {JsonSerializer.Serialize(new BroadcastMessage(seq, 1, "m" + seq, "c", seq), DistSyncJson.Options)}\n\n";

    private static string Events(params long[] seqs) => string.Concat(seqs.Select(Event));

    private static string ReadAnswer(params long[] seqs) =>
        JsonSerializer.Serialize(seqs.Select(s => new BroadcastMessage(s, 1, "m" + s, "c", s)), DistSyncJson.Options);

    /// <summary>Follows until <paramref name="count"/> messages came (or the patience ran out) and returns their seqs.</summary>
    private static async Task<List<long>> Take(BroadcastSubscription subscription, long from, int count)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var seqs = new List<long>();
        await foreach (var m in subscription.FollowAsync(from, timeout.Token))
        {
            seqs.Add(m.Seq);
            if (seqs.Count == count) break;
        }
        return seqs;
    }

    [Fact]
    public async Task A_broken_stream_resumes_on_the_next_node_from_last_seq_plus_one_dropping_repeats_and_reading_the_gap()
    {
        var log = new ConcurrentQueue<string>();
        var a = new ScriptedNode("a", log);
        var b = new ScriptedNode("b", log);
        // 1. a streams 1..3 and breaks off (connection reset)
        a.Subscribe.Enqueue(_ => ScriptedNode.Stream(Events(1, 2, 3), breakAtEnd: true));
        // 2. b resumes at 4 but sends 3 again, then 6 and 7: 3 is dropped, 4 and 5 are read from b
        b.Subscribe.Enqueue(_ => ScriptedNode.Stream(Events(3, 6, 7), breakAtEnd: false));
        b.Read.Enqueue(_ => ScriptedNode.Json(HttpStatusCode.OK, ReadAnswer(4, 5)));
        // 3. b's stream ended (closed by the node); a is down now; b carries on from 8
        a.Subscribe.Enqueue(_ => throw new HttpRequestException("connection refused"));
        b.Subscribe.Enqueue(_ => ScriptedNode.Stream(Events(8, 9), breakAtEnd: false));
        using var clientA = a.Client();
        using var clientB = b.Client();
        var reconnects = new List<BroadcastReconnect>();
        var subscription = new BroadcastSubscription([clientA, clientB], "room", TimeSpan.FromMilliseconds(10), reconnects.Add);

        var seqs = await Take(subscription, 1, 9);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7, 8, 9], seqs);
        Assert.Equal(9, subscription.LastSeq);
        Assert.Equal(["a from=1", "b from=4 last=3", "b read from=4 max=2", "a from=8 last=7", "b from=8 last=7"], log);
        Assert.Equal([("a", "b", 4L), ("b", "a", 8L), ("a", "b", 8L)], reconnects.Select(r => (r.Lost.Host, r.Next.Host, r.ResumeFrom)));
        Assert.IsType<NodeUnreachableException>(reconnects[0].Reason);
        Assert.Null(reconnects[1].Reason); // the node closed the stream
        Assert.IsType<NodeUnreachableException>(reconnects[2].Reason);
    }

    [Fact]
    public async Task A_node_that_answers_503_or_is_down_from_the_start_is_passed_over()
    {
        var a = new ScriptedNode("a");
        var b = new ScriptedNode("b");
        a.Subscribe.Enqueue(_ => ScriptedNode.Json(HttpStatusCode.ServiceUnavailable, """{"title":"unavailable","status":503,"detail":"no leader"}"""));
        b.Subscribe.Enqueue(_ => ScriptedNode.Stream(Events(5, 6), breakAtEnd: false));
        using var clientA = a.Client();
        using var clientB = b.Client();
        var subscription = new BroadcastSubscription([clientA, clientB], "room", TimeSpan.FromMilliseconds(10));

        Assert.Equal([5L, 6], await Take(subscription, 5, 2));
        Assert.Equal(new Uri("http://b/"), subscription.CurrentNode);
    }

    [Fact]
    public async Task With_every_node_down_it_keeps_retrying_with_a_pause_until_cancelled()
    {
        var a = new ScriptedNode("a");
        using var clientA = a.Client();
        var subscription = new BroadcastSubscription([clientA], "room", TimeSpan.FromMilliseconds(50));
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // cancelled once it has tried 5 times (a wall-clock window gave too few tries on a loaded CI machine)
        var watcher = Task.Run(async () =>
        {
            while (a.Log.Count < 5) await Task.Delay(10);
            clock.Stop();
            await stop.CancelAsync();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in subscription.FollowAsync(1, stop.Token)) { }
        });
        await watcher;

        // it kept retrying, and paused between tries: 4 pauses of at least 50 ms each, not a tight loop
        Assert.True(a.Log.Count >= 5);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(4 * 50), $"5 tries in {clock.Elapsed.TotalMilliseconds} ms");
        Assert.All(a.Log, l => Assert.Equal("a from=1", l));
    }

    [Fact]
    public async Task A_gap_that_retention_trimmed_ends_the_subscription_with_the_gone_exception()
    {
        var a = new ScriptedNode("a");
        a.Subscribe.Enqueue(_ => ScriptedNode.Stream(Events(1), breakAtEnd: true));
        a.Subscribe.Enqueue(_ => ScriptedNode.Stream(Events(50), breakAtEnd: false));
        a.Read.Enqueue(_ => ScriptedNode.Json(HttpStatusCode.Gone, """{"title":"gone","status":410,"detail":"trimmed","firstSeq":45}"""));
        using var clientA = a.Client();
        var subscription = new BroadcastSubscription([clientA], "room", TimeSpan.Zero);
        var seen = new List<long>();

        var e = await Assert.ThrowsAsync<BroadcastGoneException>(async () =>
        {
            await foreach (var m in subscription.FollowAsync(1)) seen.Add(m.Seq);
        });

        Assert.Equal([1L], seen);
        Assert.Equal((2L, 45L), (e.From, e.FirstSeq));
    }

    [Fact]
    public async Task A_400_is_not_retried()
    {
        var a = new ScriptedNode("a");
        a.Subscribe.Enqueue(_ => ScriptedNode.Json(HttpStatusCode.BadRequest, """{"title":"bad request","status":400,"detail":"topic too long"}"""));
        using var clientA = a.Client();
        var subscription = new BroadcastSubscription([clientA], "room", TimeSpan.Zero);

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => Take(subscription, 1, 1));

        Assert.Equal(HttpStatusCode.BadRequest, e.StatusCode);
        Assert.Single(a.Log);
    }

    [Fact]
    public void Bad_arguments_are_refused()
    {
        using var client = new ScriptedNode("a").Client();

        Assert.Throws<ArgumentException>("nodes", () => new BroadcastSubscription([], "room"));
        Assert.Throws<ArgumentException>("topic", () => new BroadcastSubscription([client], " "));
        Assert.Throws<ArgumentOutOfRangeException>("from", () => new BroadcastSubscription([client], "room").FollowAsync(0));
    }

    /// <summary>
    /// Tests only: one stub node answering subscribe and read from queues of scripted answers (a node that has run
    /// out of script is down: connection refused), logging each request as <c>"name from=N last=M"</c> (a shared log
    /// keeps the order across nodes).
    /// </summary>
    private sealed class ScriptedNode(string name, ConcurrentQueue<string>? log = null) : HttpMessageHandler
    {
        public ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> Subscribe { get; } = new();
        public ConcurrentQueue<Func<HttpRequestMessage, HttpResponseMessage>> Read { get; } = new();
        public ConcurrentQueue<string> Log { get; } = log ?? new();

        public DistSyncClient Client() => new(new HttpClient(this, disposeHandler: false) { BaseAddress = new Uri($"http://{name}/") }, ownsHttp: true);

        public static HttpResponseMessage Stream(string sse, bool breakAtEnd) => new(HttpStatusCode.OK)
        {
            Content = new StreamContent(new ScriptedStream(Encoding.UTF8.GetBytes(sse), breakAtEnd)) { Headers = { { "Content-Type", "text/event-stream" } } },
        };

        public static HttpResponseMessage Json(HttpStatusCode status, string json) => new(status)
        {
            Content = new StringContent(json, Encoding.UTF8, (int)status >= 400 ? "application/problem+json" : "application/json"),
        };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var query = System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query);
            var path = request.RequestUri.AbsolutePath;
            var last = request.Headers.TryGetValues("Last-Event-ID", out var values) ? " last=" + values.Single() : "";
            var (script, entry) = path == "/broadcast/read"
                ? (Read, $"{name} read from={query["from"]} max={query["max"]}")
                : (Subscribe, $"{name} from={query["from"]}{last}");
            Log.Enqueue(entry);
            if (!script.TryDequeue(out var answer)) throw new HttpRequestException($"{name}: connection refused");
            var response = answer(request);
            response.RequestMessage = request;
            return Task.FromResult(response);
        }
    }

    /// <summary>Tests only: serves its bytes in small reads, then ends (the node closed the stream) or breaks (reset).</summary>
    private sealed class ScriptedStream(byte[] bytes, bool breakAtEnd) : Stream
    {
        private int _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position == bytes.Length)
                return breakAtEnd ? throw new IOException("connection reset by peer") : 0;
            // 7 bytes at a time, so events and lines are split across reads
            var n = Math.Min(Math.Min(count, 7), bytes.Length - _position);
            Array.Copy(bytes, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var array = new byte[buffer.Length];
            var n = Read(array, 0, array.Length);
            array.AsSpan(0, n).CopyTo(buffer.Span);
            return ValueTask.FromResult(n);
        }
    }
}
