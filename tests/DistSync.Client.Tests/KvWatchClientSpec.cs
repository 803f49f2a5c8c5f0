using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Client.Tests;

/// <summary>
/// <c>GET /kv/watch</c> through <see cref="KvWatch"/> against stub nodes: the SSE events it reads, and how a dropped
/// stream is resumed on the next node with <c>Last-Event-ID</c> so nothing is missed or repeated.
/// </summary>
public class KvWatchClientSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Created(long revision, long from) => $"event: created\ndata: {{\"revision\":{revision},\"fromVersion\":{from}}}\n\n";

    private static string Put(long version, int n, string key, string value, long createVersion = 0) =>
        $"event: put\nid: {version}.{n}\ndata: {{\"type\":\"put\",\"key\":\"{key}\",\"value\":\"{value}\",\"version\":{version},\"createVersion\":{(createVersion == 0 ? version : createVersion)}}}\n\n";

    private static string Delete(long version, int n, string key) =>
        $"event: delete\nid: {version}.{n}\ndata: {{\"type\":\"delete\",\"key\":\"{key}\",\"value\":null,\"version\":{version},\"createVersion\":0}}\n\n";

    private static async Task<List<KvWatchEvent>> TakeAsync(KvWatch watch, int count)
    {
        using var patience = new CancellationTokenSource(Patience);
        var seen = new List<KvWatchEvent>();
        await foreach (var e in watch.WithCancellation(patience.Token))
        {
            seen.Add(e);
            if (seen.Count == count) break;
        }
        return seen;
    }

    [Fact]
    public async Task A_watch_sends_the_range_start_and_prev_value_and_yields_puts_and_deletes_after_the_created_event()
    {
        var handler = new RouteHandler(_ => RouteHandler.Sse(Created(10, 8) + ": keep-alive\n\n" + Put(8, 0, "app/a", "1", 3) + Delete(9, 0, "app/b")));
        using var client = new DistSyncClient(["a:1"], handler);

        var watch = client.WatchAsync("app/", fromVersion: 8, prevValue: true);
        var seen = await TakeAsync(watch, 2);

        Assert.Equal("/kv/watch?prefix=app%2F&fromVersion=8&prevValue=true", handler.Requests[0].PathAndQuery);
        Assert.Null(handler.Requests[0].LastEventId);
        Assert.Equal([new KvWatchEvent("put", "app/a", "1", 8, 3), new KvWatchEvent("delete", "app/b", null, 9, 0)], seen);
        Assert.Equal(new KvWatchCreated(10, 8), await watch.Started);
        Assert.Equal("9.0", watch.LastEventId);
    }

    [Fact]
    public async Task A_key_watch_names_the_key()
    {
        var handler = new RouteHandler(_ => RouteHandler.Sse(Created(4, 5) + Put(5, 0, "a b", "x")));
        using var client = new DistSyncClient(["a:1"], handler);

        await TakeAsync(client.WatchAsync(KvRange.Key("a b")), 1);

        Assert.Equal("/kv/watch?key=a%20b", handler.Requests[0].PathAndQuery);
    }

    [Fact]
    public async Task A_broken_stream_resumes_on_the_next_node_after_the_last_event_and_a_resent_event_is_dropped()
    {
        // Node a sends two changes of entry 20 and breaks; node b is asked for what follows 20.1 and (wrongly) sends 20.1 again.
        var handler = new RouteHandler(seen => seen.Host == "a"
            ? RouteHandler.Sse(Created(19, 20) + Put(20, 0, "k1", "a") + Put(20, 1, "k2", "b"), breakAfter: true)
            : RouteHandler.Sse(Created(21, 20) + Put(20, 1, "k2", "b") + Delete(21, 0, "k1") + Put(22, 0, "k3", "c")));
        using var client = new DistSyncClient(["a:1", "b:1"], handler);
        var reconnects = new List<KvWatchReconnect>();
        var watch = client.WatchAsync("k");
        watch.OnReconnect = reconnects.Add;

        var seen = await TakeAsync(watch, 4);

        Assert.Equal(["20.0 k1", "20.1 k2", "21.0 k1", "22.0 k3"], seen.Select(e => $"{e.Version}.{(e.Key == "k2" ? 1 : 0)} {e.Key}"));
        Assert.Equal(["a", "b"], handler.Requests.Select(r => r.Host));
        Assert.Equal("20.1", handler.Requests[1].LastEventId);
        Assert.Equal("/kv/watch?prefix=k&fromVersion=20", handler.Requests[1].PathAndQuery);
        var moved = Assert.Single(reconnects);
        Assert.Equal(("a", "b", "20.1"), (moved.Lost.Host, moved.Next.Host, moved.LastEventId));
        Assert.IsType<NodeUnreachableException>(moved.Reason);
    }

    [Fact]
    public async Task A_stream_the_node_closes_before_any_change_resumes_from_the_created_start_version_on_the_next_node()
    {
        var handler = new RouteHandler(seen => seen.Host == "a"
            ? RouteHandler.Sse(Created(41, 42))
            : RouteHandler.Sse(Created(43, 42) + Put(42, 0, "x", "1")));
        using var client = new DistSyncClient(["a:1", "b:1"], handler);

        var seen = await TakeAsync(client.WatchAsync("x"), 1);

        Assert.Equal(42, Assert.Single(seen).Version);
        Assert.Equal("/kv/watch?prefix=x", handler.Requests[0].PathAndQuery);
        Assert.Equal("/kv/watch?prefix=x&fromVersion=42", handler.Requests[1].PathAndQuery);
        Assert.Null(handler.Requests[1].LastEventId);
    }

    [Fact]
    public async Task A_node_that_ends_the_stream_with_a_no_leader_error_is_left_for_the_next_after_the_last_event()
    {
        var handler = new RouteHandler(seen => seen.Host == "a"
            ? RouteHandler.Sse(Created(7, 8) + Put(8, 0, "k", "1") + "event: error\ndata: {\"reason\":\"no-leader\"}\n\n" + Put(9, 0, "k", "never sent after an error"))
            : RouteHandler.Sse(Created(9, 8) + Put(9, 0, "k", "2")));
        using var client = new DistSyncClient(["a:1", "b:1"], handler);
        var reconnects = new List<KvWatchReconnect>();
        var watch = client.WatchAsync("k");
        watch.OnReconnect = reconnects.Add;

        var seen = await TakeAsync(watch, 2);

        Assert.Equal(["1", "2"], seen.Select(e => e.Value));
        Assert.Equal("8.0", handler.Requests[1].LastEventId);
        var reason = Assert.IsType<DistSyncApiException>(Assert.Single(reconnects).Reason);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, reason.StatusCode);
        Assert.Contains("no-leader", reason.Message);
    }

    [Fact]
    public async Task A_node_that_is_down_or_answers_503_is_skipped_for_the_next()
    {
        var handler = new RouteHandler(seen => seen.Host switch
        {
            "a" => throw new HttpRequestException("connection refused (test)"),
            "b" => RouteHandler.Json("""{"type":"about:blank","title":"unavailable","status":503,"detail":"no leader"}""", HttpStatusCode.ServiceUnavailable),
            _ => RouteHandler.Sse(Created(1, 2) + Put(2, 0, "k", "v")),
        });
        using var client = new DistSyncClient(["a:1", "b:1", "c:1"], handler);

        var seen = await TakeAsync(client.WatchAsync("k"), 1);

        Assert.Equal("v", Assert.Single(seen).Value);
        Assert.Equal(["a", "b", "c"], handler.Requests.Select(r => r.Host));
    }

    [Fact]
    public async Task A_410_is_a_compacted_exception_with_the_oldest_version()
    {
        var handler = new RouteHandler(_ => RouteHandler.Json(
            """{"type":"about:blank","title":"gone","status":410,"detail":"compacted","oldestVersion":500}""", HttpStatusCode.Gone));
        using var client = new DistSyncClient(["a:1", "b:1"], handler);

        var e = await Assert.ThrowsAsync<KvCompactedException>(() => TakeAsync(client.WatchAsync("k", fromVersion: 3), 1));

        Assert.Equal(500, e.OldestVersion);
        Assert.Equal(3, e.Requested);
        Assert.Equal(HttpStatusCode.Gone, e.StatusCode);
        Assert.Single(handler.Requests); // not retried on another node: every node compacts alike
    }

    [Fact]
    public async Task A_compacted_event_mid_stream_ends_the_watch_with_a_compacted_exception_after_the_changes_before_it()
    {
        var handler = new RouteHandler(_ => RouteHandler.Sse(Created(5, 6) + Put(6, 0, "k", "v") + "event: compacted\ndata: {\"oldestVersion\":90}\n\n"));
        using var client = new DistSyncClient(["a:1"], handler);
        var seen = new List<KvWatchEvent>();

        var e = await Assert.ThrowsAsync<KvCompactedException>(async () =>
        {
            await foreach (var change in client.WatchAsync("k")) seen.Add(change);
        });

        Assert.Equal(90, e.OldestVersion);
        Assert.Equal(6, e.Requested);
        Assert.Equal(6, Assert.Single(seen).Version);
    }

    [Fact]
    public async Task A_404_without_the_api_problem_ends_the_watch_instead_of_retrying()
    {
        var handler = new RouteHandler(_ => new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("") });
        using var client = new DistSyncClient(["a:1", "b:1"], handler);

        var e = await Assert.ThrowsAsync<DistSyncApiException>(() => TakeAsync(client.WatchAsync("k"), 1));

        Assert.Contains("does not serve", e.Message);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Event_ids_parse_with_and_without_the_change_number()
    {
        // Through the stream: a bare version id counts as .0, and a later .0 of the same version is a repeat.
        var handler = new RouteHandler(_ => RouteHandler.Sse(Created(1, 7) +
            "event: put\nid: 7\ndata: {\"type\":\"put\",\"key\":\"k\",\"value\":\"a\",\"version\":7,\"createVersion\":7}\n\n" +
            Put(7, 0, "k", "a") + Put(8, 0, "k", "b")));
        using var client = new DistSyncClient(["a:1"], handler);

        var seen = await TakeAsync(client.WatchAsync("k"), 2);

        Assert.Equal([7L, 8L], seen.Select(e => e.Version));
    }
}
