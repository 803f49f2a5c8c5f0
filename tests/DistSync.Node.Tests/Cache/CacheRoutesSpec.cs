using System.Net;
using System.Text;
using DistSync.Client;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Cache;

/// <summary>The Cache routes of API.md on three in-process nodes: the meta group's KV behind them, the lock service
/// checking fences, the line on each node answering hits with no message.</summary>
public class CacheRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private static long CoherenceMessages(InProcessCluster cluster) => cluster.Nodes.Sum(n => n.Cache.Stats.MessagesSent);

    [Fact]
    public async Task A_read_hit_is_answered_by_the_node_itself_with_zero_coherence_messages_and_no_KV_read()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        await cluster.WaitForCacheHomesAsync(Patience);
        var (a, b) = (cluster.Clients[0], cluster.Clients[1]);

        // 1. n1 writes (M), n2 misses (n1 writes back, both S)
        Assert.Equal("M", (await a.CacheWriteAsync("greeting", "hello")).State);
        var miss = await b.CacheReadAsync("greeting");
        Assert.Equal(new CacheReadResponse("greeting", "hello", "S", false), miss);

        // 2. 500 hits on n2: no coherence message anywhere, no KV read, all counted as hits
        var messages = CoherenceMessages(cluster);
        var kvReads = cluster.Nodes.Sum(n => n.CacheStore.Reads);
        var hits = (await b.CacheStatsAsync()).Hits;
        for (var i = 0; i < 500; i++) Assert.Equal(new CacheReadResponse("greeting", "hello", "S", true), await b.CacheReadAsync("greeting"));
        Assert.Equal(messages, CoherenceMessages(cluster));
        Assert.Equal(kvReads, cluster.Nodes.Sum(n => n.CacheStore.Reads));
        var stats = await b.CacheStatsAsync();
        Assert.Equal(hits + 500, stats.Hits);
        Assert.Equal(1, stats.ByState.S);
        Assert.Equal("write-back", stats.WritePolicy);
        Assert.Equal("n2", stats.NodeId);

        // 3. the value reached the replicated KV by the write-back: GET /kv sees it
        Assert.Equal("hello", (await a.GetAsync("greeting"))?.Value);
    }

    [Fact]
    public async Task Writes_through_any_node_are_seen_by_later_reads_everywhere_and_invalidate_removes_copies_and_value()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        await cluster.WaitForCacheHomesAsync(Patience);
        var clients = cluster.Clients;
        for (var i = 0; i < 12; i++)
        {
            await clients[i % 3].CacheWriteAsync("counter", $"v{i}");
            foreach (var c in clients) Assert.Equal($"v{i}", (await c.CacheReadAsync("counter"))?.Value);
        }
        // a value written through /kv is read by a cache miss when no node holds the key
        await clients[0].PutAsync("from-kv", "kv-value");
        Assert.Equal(new CacheReadResponse("from-kv", "kv-value", "E", false), await clients[2].CacheReadAsync("from-kv"));

        var gone = await clients[1].CacheInvalidateAsync("counter");
        Assert.Equal(3, gone.CopiesInvalidated);
        Assert.True(gone.Deleted);
        foreach (var c in clients) Assert.Null(await c.CacheReadAsync("counter"));
        Assert.Null(await clients[0].GetAsync("counter"));
        Assert.Null(await clients[0].CacheReadAsync("never-written"));
    }

    [Fact]
    public async Task A_fenced_write_needs_a_current_grant_and_an_older_token_is_refused_as_stale()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        await cluster.WaitForCacheHomesAsync(Patience);
        var (a, b) = (cluster.Clients[0], cluster.Clients[1]);
        var first = await a.CreateSessionAsync();
        var grant1 = await a.AcquireAsync("doc-lock", first.SessionId);
        Assert.Equal("M", (await a.CacheWriteAsync("doc", "by-first", new FenceToken("doc-lock", grant1.FencingToken))).State);

        // the first holder loses the lock; the second gets a newer token
        await a.ReleaseAsync("doc-lock", first.SessionId);
        var second = await b.CreateSessionAsync();
        var grant2 = await b.AcquireAsync("doc-lock", second.SessionId);
        Assert.True(grant2.FencingToken > grant1.FencingToken);

        await Assert.ThrowsAsync<StaleFenceException>(() => a.CacheWriteAsync("doc", "late-first", new FenceToken("doc-lock", grant1.FencingToken)));
        await b.CacheWriteAsync("doc", "by-second", new FenceToken("doc-lock", grant2.FencingToken));
        Assert.Equal("by-second", (await cluster.Clients[2].CacheReadAsync("doc"))?.Value);
        // a token nobody was granted is refused too
        await Assert.ThrowsAsync<StaleFenceException>(() => b.CacheWriteAsync("doc", "forged", new FenceToken("doc-lock", grant2.FencingToken + 1000)));
    }

    [Fact]
    public async Task Bad_input_gets_a_clear_error_and_the_node_keeps_serving()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        await cluster.WaitForCacheHomesAsync(Patience);
        using var http = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress };

        async Task<HttpStatusCode> Post(string body) =>
            (await http.PostAsync("cache/write", new StringContent(body, Encoding.UTF8, "application/json"))).StatusCode;

        Assert.Equal(HttpStatusCode.BadRequest, await Post("{not json"));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("""{"key":"k"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("""{"value":"v"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, await Post("""{"key":"k","value":"v","fence":{"fencingToken":3}}"""));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, await Post($$"""{"key":"k","value":"{{new string('x', 300 * 1024)}}"}"""));
        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync("cache/read/" + new string('k', 2000))).StatusCode);

        Assert.Equal(HttpStatusCode.OK, await Post("""{"key":"k","value":"v"}"""));
        Assert.Equal("v", (await cluster.Clients[0].CacheReadAsync("k"))?.Value);
        var metrics = await Eventually.Until(() => http.GetStringAsync("metrics"), m => m.Contains("dsync_cache_hits_total"), Patience, "cache metrics");
        Assert.Contains("dsync_cache_lines{", metrics);
        Assert.Contains("dsync_cache_messages_sent_total", metrics);
    }
}
