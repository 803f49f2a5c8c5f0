using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Broadcast;

/// <summary>The Broadcast routes of API.md on in-process nodes: publish and its dedupe, paged reads, retention and
/// 410, the topic list, catch-up with Last-Event-ID, a session-bound subscription, bad input.</summary>
public class BroadcastRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static async Task<(HttpStatusCode Status, BroadcastPublishResponse? Body)> PublishAsync(HttpClient http, string topic, string payload,
        string? clientId = null, long clientSeq = 0)
    {
        var response = await http.PostAsJsonAsync("broadcast/publish", new BroadcastPublishRequest(topic, payload, clientId, clientSeq), DistSyncJson.Options);
        return (response.StatusCode, response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<BroadcastPublishResponse>(DistSyncJson.Options) : null);
    }

    [Fact]
    public async Task Publishes_through_any_node_get_consecutive_seqs_a_repeat_gets_the_first_and_reads_page_them_in_order()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        using var b = new HttpClient { BaseAddress = cluster.Nodes[1].HttpAddress };
        using var c = new HttpClient { BaseAddress = cluster.Nodes[2].HttpAddress };

        var seqs = new List<long>();
        for (var i = 0; i < 9; i++)
        {
            var (status, body) = await PublishAsync(new[] { a, b, c }[i % 3], "news", $"m{i}", "writer", i + 1);
            Assert.Equal(HttpStatusCode.Created, status);
            seqs.Add(body!.Seq);
        }
        Assert.Equal(Enumerable.Range(1, 9).Select(i => (long)i), seqs);
        // a retry of (writer, 4) anywhere answers its first seq and stores nothing
        Assert.Equal(4, (await PublishAsync(c, "news", "m3", "writer", 4)).Body!.Seq);
        // another topic has its own sequence
        Assert.Equal(1, (await PublishAsync(a, "other", "x")).Body!.Seq);

        var page = await b.GetFromJsonAsync<List<BroadcastMessage>>("broadcast/read?topic=news&from=3&max=4", DistSyncJson.Options) ?? [];
        Assert.Equal([3L, 4, 5, 6], page.Select(m => m.Seq));
        Assert.Equal(["m2", "m3", "m4", "m5"], page.Select(m => m.Payload));
        Assert.All(page, m => Assert.Equal("writer", m.ClientId));
        Assert.All(page, m => Assert.True(m.Term >= 1 && m.TimestampMs > 0));
        var all = await c.GetFromJsonAsync<List<BroadcastMessage>>("broadcast/read?topic=news&from=1", DistSyncJson.Options);
        Assert.Equal(9, all!.Count);
        var topics = await a.GetFromJsonAsync<List<BroadcastTopicInfo>>("broadcast/topics", DistSyncJson.Options);
        Assert.Contains(topics!, t => t.Topic == "news" && t.FirstSeq == 1 && t.LastSeq == 9);
        Assert.Contains(topics!, t => t.Topic == "other" && t.LastSeq == 1);
    }

    [Fact]
    public async Task Retention_trims_old_messages_and_a_read_or_subscribe_below_the_range_is_410_with_the_first_seq()
    {
        await using var cluster = await InProcessCluster.StartAsync(1, extra: "broadcast.max-messages = 5");
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        for (var i = 1; i <= 12; i++) await PublishAsync(http, "log", $"e{i}");

        var gone = await http.GetAsync("broadcast/read?topic=log&from=2");
        Assert.Equal(HttpStatusCode.Gone, gone.StatusCode);
        using var body = JsonDocument.Parse(await gone.Content.ReadAsStringAsync());
        Assert.Equal(8, body.RootElement.GetProperty("firstSeq").GetInt64());
        var kept = await http.GetFromJsonAsync<List<BroadcastMessage>>("broadcast/read?topic=log&from=8", DistSyncJson.Options);
        Assert.Equal(["e8", "e9", "e10", "e11", "e12"], kept!.Select(m => m.Payload));
        Assert.Equal(HttpStatusCode.Gone, (await http.GetAsync("broadcast/subscribe?topic=log&from=3", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
    }

    [Fact]
    public async Task A_subscription_catches_up_from_Last_Event_ID_then_follows_live_and_a_session_bound_one_ends_with_its_session()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var a = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress, Timeout = Timeout.InfiniteTimeSpan };
        for (var i = 1; i <= 5; i++) await PublishAsync(a, "chat", $"c{i}");

        // a subscriber on n3 resuming after seq 2: gets 3, 4, 5 from the replica, then 6 live
        using var c = new HttpClient { BaseAddress = cluster.Nodes[2].HttpAddress, Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, "broadcast/subscribe?topic=chat");
        request.Headers.Add("Last-Event-ID", "2");
        using var response = await c.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var ids = new List<string>();
        async Task<string> NextIdAsync()
        {
            while (await reader.ReadLineAsync().WaitAsync(Patience) is { } line)
                if (line.StartsWith("id: ", StringComparison.Ordinal)) return line[4..];
            throw new EndOfStreamException();
        }
        for (var i = 0; i < 3; i++) ids.Add(await NextIdAsync());
        await PublishAsync(a, "chat", "c6");
        ids.Add(await NextIdAsync());
        Assert.Equal(["3", "4", "5", "6"], ids);

        // bound to a session: the stream ends when the session is deleted
        var session = await cluster.Clients[0].CreateSessionAsync();
        using var bound = await c.GetAsync($"broadcast/subscribe?topic=chat&sessionId={session.SessionId}", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, bound.StatusCode);
        using var boundReader = new StreamReader(await bound.Content.ReadAsStreamAsync());
        await cluster.Clients[1].DeleteSessionAsync(session.SessionId);
        var rest = await boundReader.ReadToEndAsync().WaitAsync(Patience);
        Assert.DoesNotContain("id: ", rest);
        Assert.Equal(HttpStatusCode.NotFound, (await c.GetAsync("broadcast/subscribe?topic=chat&sessionId=s-999999", HttpCompletionOption.ResponseHeadersRead)).StatusCode);
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };
        async Task<HttpStatusCode> Post(string body) =>
            (await http.PostAsync("broadcast/publish", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode;

        Assert.Equal(HttpStatusCode.BadRequest, await Post("{nope"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("""{"payload":"x"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("""{"topic":"t"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("""{"topic":"t","payload":"x","clientSeq":3}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post($$"""{"topic":"t","payload":"{{new string('x', 70 * 1024)}}"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("broadcast/read?topic=t&from=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("broadcast/read?from=1")).StatusCode);
        Assert.Equal(HttpStatusCode.Created, await Post("""{"topic":"t","payload":"ok"}"""));
        var metrics = await Eventually.Until(() => http.GetStringAsync("metrics"), m => m.Contains("dsync_broadcast_published_total"), Patience, "broadcast metrics");
        Assert.Matches("dsync_broadcast_published_total\\{[^}]*topic=\"t\"[^}]*\\} 1", metrics);
        Assert.Contains("dsync_broadcast_subscribers", metrics);
    }
}
