using System.Net;
using DistSync.Client.Contracts;

namespace DistSync.Node.Tests.Kv;

/// <summary>Range reads and range deletes of docs/KV.md on three in-process nodes.</summary>
public class KvRangeRoutesSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_prefix_range_is_sorted_paged_and_counted_on_any_node()
    {
        // 1. 25 keys under svc/ and a few around it, written through different nodes
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var nodes = cluster.Nodes.Select(n => n.HttpAddress).ToArray();
        for (var i = 24; i >= 0; i--) await cluster.Clients[i % 3].PutAsync($"svc/{i:D2}", "v" + i);
        await cluster.Clients[0].PutAsync("svc", "parent");
        await cluster.Clients[1].PutAsync("svd/0", "next");

        // 2. pages of 10 with after= visit all 25 in order; the last page says no more
        var seen = new List<string>();
        string? after = null;
        var pages = new List<KvRangeResponse>();
        do
        {
            var page = await http.RangeAsync(nodes[pages.Count % 3], "prefix=svc/&limit=10" + (after is null ? "" : "&after=" + Uri.EscapeDataString(after)));
            pages.Add(page);
            seen.AddRange(page.Kvs.Select(k => k.Key));
            after = page.Kvs.Count > 0 ? page.Kvs[^1].Key : null;
        } while (pages[^1].More);
        Assert.Equal(Enumerable.Range(0, 25).Select(i => $"svc/{i:D2}"), seen);
        Assert.Equal(new[] { 10, 10, 5 }, pages.Select(p => p.Kvs.Count));
        Assert.Equal(new[] { true, true, false }, pages.Select(p => p.More));
        Assert.All(pages, p => Assert.Null(p.Count));

        // 3. items carry value, version and create version; the revision is at least every version
        var first = pages[0].Kvs[0];
        Assert.Equal(("v0", first.Version), (first.Value, first.CreateVersion));
        Assert.True(pages[0].Revision >= pages[0].Kvs.Max(k => k.Version));

        // 4. count=true counts without returning keys; from/to is half-open; a local read works too
        var count = await http.RangeAsync(nodes[2], "prefix=svc/&count=true");
        Assert.Equal((25L, 0), (count.Count!.Value, count.Kvs.Count));
        var between = await http.RangeAsync(nodes[1], "from=svc/03&to=svc/06");
        Assert.Equal(new[] { "svc/03", "svc/04", "svc/05" }, between.Kvs.Select(k => k.Key));
        await Eventually.Until(() => http.RangeAsync(nodes[2], "prefix=svc/&consistency=local&limit=100"), r => r.Kvs.Count == 25, Patience, "local range");
        var all = await http.RangeAsync(nodes[0], "limit=1000");
        Assert.Equal(27, all.Kvs.Count);
    }

    [Fact]
    public async Task A_range_delete_removes_the_range_in_one_entry_and_leaves_the_rest()
    {
        await using var cluster = await InProcessCluster.StartAsync(3);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();
        var node = cluster.Nodes[1].HttpAddress;
        for (var i = 0; i < 12; i++) await cluster.Clients[0].PutAsync($"tmp/{i}", "x");
        await cluster.Clients[0].PutAsync("tmpx", "kept");
        await cluster.Clients[0].PutAsync("keep/1", "kept");

        using var response = await http.DeleteAsync(new Uri(node, "kv?prefix=tmp/"));
        var body = System.Text.Json.JsonSerializer.Deserialize<KvDeleteRangeResponse>(await response.Content.ReadAsStringAsync(), DistSync.Client.DistSyncJson.Options)!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(12, body.Deleted);
        Assert.Empty((await http.RangeAsync(node, "prefix=tmp/")).Kvs);
        Assert.Equal(new[] { "keep/1", "tmpx" }, (await http.RangeAsync(node, "")).Kvs.Select(k => k.Key));
        // a second delete of the same range deletes nothing, in a later entry
        using var again = await http.DeleteAsync(new Uri(node, "kv?prefix=tmp/"));
        var second = System.Text.Json.JsonSerializer.Deserialize<KvDeleteRangeResponse>(await again.Content.ReadAsStringAsync(), DistSync.Client.DistSyncJson.Options)!;
        Assert.Equal(0, second.Deleted);
        Assert.True(second.Version > body.Version);
    }

    [Theory]
    [InlineData("GET", "kv?limit=0", "limit")]
    [InlineData("GET", "kv?limit=10001", "limit")]
    [InlineData("GET", "kv?limit=ten", "limit")]
    [InlineData("GET", "kv?prefix=a&from=b", "prefix")]
    [InlineData("GET", "kv?count=maybe", "count")]
    [InlineData("GET", "kv?consistency=eventual", "consistency")]
    [InlineData("GET", "kv?from=%01", "from")]
    [InlineData("DELETE", "kv", "prefix")]
    [InlineData("GET", "kv/watch?fromVersion=0", "fromVersion")]
    [InlineData("GET", "kv/watch?prefix=a&key=b", "key")]
    public async Task Bad_range_parameters_get_a_400_naming_the_parameter(string method, string path, string named)
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        using var http = new HttpClient();

        using var response = await http.SendAsync(new HttpRequestMessage(new HttpMethod(method), new Uri(cluster.Nodes[0].HttpAddress, path)));
        var problem = System.Text.Json.JsonSerializer.Deserialize<ProblemDetails>(await response.Content.ReadAsStringAsync(), DistSync.Client.DistSyncJson.Options)!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains($"'{named}'", problem.Detail);
    }

    [Fact]
    public async Task Keys_named_watch_and_txn_are_still_ordinary_keys_for_get_and_put()
    {
        await using var cluster = await InProcessCluster.StartAsync(1);
        await cluster.WaitForLeaderAsync(Patience);
        var client = cluster.Clients[0];

        await client.PutAsync("watch", "w");
        await client.PutAsync("txn", "t");

        Assert.Equal("w", (await client.GetAsync("watch"))!.Value);
        Assert.Equal("t", (await client.GetAsync("txn"))!.Value);
        Assert.True(await client.DeleteAsync("watch"));
    }
}
