using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using DistSync.Client.Contracts;
using DistSync.Cluster.Placement;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace DistSync.Node.Tests.Dashboard;

/// <summary>
/// Issue 15 item 4: the dashboard at <c>/</c> in a real browser (Debian's chromium through Playwright) against three
/// in-process nodes: every panel renders from the live endpoints, a lock held through another node and a session
/// waiting on it appear as holder and a drawn wait-for edge, a failing endpoint marks only its own panel, and a
/// member cut off and killed turns unreachable. Every wait is Playwright's auto-retrying expectation (60 s).
/// </summary>
public partial class DashboardBrowserSpec
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public DashboardBrowserSpec() => SetDefaultExpectTimeout(60_000);

    [Fact]
    public async Task The_page_shows_the_cluster_its_locks_wait_for_graph_and_a_killed_member()
    {
        // 1. three nodes, all up; some traffic so the queues, cache and broadcast panels have rows
        await using var cluster = await InProcessCluster.StartAsync(3);
        foreach (var client in cluster.Clients)
        {
            await Eventually.Until(() => client.GetStatusAsync(), s => s.Members.Count == 3 && s.Members.All(m => m.Status == "up" && m.NodeId is not null),
                Patience, $"all up at {client.BaseAddress}");
        }
        using var n1 = new HttpClient { BaseAddress = cluster.Nodes[0].HttpAddress, Timeout = Patience };
        using var n2 = new HttpClient { BaseAddress = cluster.Nodes[1].HttpAddress, Timeout = TimeSpan.FromMinutes(5) };
        await PostAsync(n1, "/queue/produce", new { queue = "jobs", payload = "one" }, HttpStatusCode.Created);
        await PostAsync(n1, "/broadcast/publish", new { topic = "news", payload = "hello" }, HttpStatusCode.Created);
        Assert.Equal(HttpStatusCode.OK, (await n1.PutAsJsonAsync("/kv/colour", new { value = "blue" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await n1.GetAsync("/cache/read/colour")).StatusCode); // a miss: fetched from the KV
        Assert.Equal(HttpStatusCode.OK, (await n1.GetAsync("/cache/read/colour")).StatusCode); // a hit: n1's copy

        // 2. node 1's page in chromium: the header names the node, with links to the system routes
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        var pageErrors = new List<string>();
        page.PageError += (_, error) => pageErrors.Add(error);
        await page.GotoAsync(cluster.Nodes[0].HttpAddress.ToString());
        await Expect(page).ToHaveTitleAsync("DistSync · n1");
        await Expect(page.Locator("#node")).ToHaveTextAsync("n1");
        foreach (var link in new[] { "/metrics", "/status", "/health" }) await Expect(page.Locator($"header a[href='{link}']")).ToHaveCountAsync(1);

        // 3. members: three rows, all up, one of them the meta group's leader
        var members = page.Locator("[data-panel=members]");
        await Expect(members.Locator("tbody tr[data-status=up]")).ToHaveCountAsync(3);
        await Expect(members.Locator("tbody tr td.raft.leader")).ToHaveCountAsync(1);
        await Expect(members.Locator("tbody tr td.raft.leader")).ToHaveTextAsync(LeaderWithTerm());

        // 4. Raft: the meta group with a leader and a term, the queue's partition groups, the ring with every member's arcs
        var raft = page.Locator("[data-panel=raft]");
        var meta = raft.Locator("tr[data-group='0']");
        await Expect(meta.Locator("td.leader")).ToHaveTextAsync(NodeId());
        await Expect(meta.Locator("td.term")).ToHaveTextAsync(PositiveNumber());
        await Expect(raft.Locator("svg.ring g.partition[data-partition='jobs/0']")).ToHaveCountAsync(1);
        foreach (var id in new[] { "n1", "n2", "n3" }) await Expect(raft.Locator($"svg.ring path.ring-arc[data-owner={id}]").First).ToBeAttachedAsync();

        // 5. queues, cache, broadcast: the traffic of step 1
        await Expect(page.Locator("[data-panel=queues] tr[data-queue=jobs] td.ready")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-panel=cache] .big[data-field=hitRate]")).ToHaveTextAsync("50.0 %");
        await Expect(page.Locator("[data-panel=broadcast] tr[data-topic=news] td").Nth(1)).ToHaveTextAsync("1");

        // 6. charts: one per rate, and the commit rate from /status (always there) has a line
        await Expect(page.Locator("[data-panel=charts] svg.chart")).ToHaveCountAsync(8);
        await Expect(page.Locator("[data-panel=charts] svg[data-chart=raft-commit] path.line")).ToHaveCountAsync(1);

        // 7. a lock taken through node 2's API, and a second session waiting on it
        var holder = await SessionAsync(n2);
        var waiter = await SessionAsync(n2);
        await PostAsync(n2, "/lock/acquire", new { resource = "orders", sessionId = holder, mode = "exclusive" }, HttpStatusCode.OK);
        using var stopWaiting = new CancellationTokenSource();
        var waiting = n2.PostAsJsonAsync("/lock/acquire", new { resource = "orders", sessionId = waiter, mode = "exclusive", waitMs = 240_000 }, stopWaiting.Token);

        // 8. node 1's page shows the holder, the waiter, and the drawn edge waiter -> holder
        var locks = page.Locator("[data-panel=locks]");
        await Expect(locks.Locator("tr[data-resource=orders] td.holders")).ToContainTextAsync(holder);
        await Expect(locks.Locator("tr[data-resource=orders] td.waiters")).ToContainTextAsync(waiter);
        var edge = locks.Locator($"svg.waitfor g.wf-edge[data-from='{waiter}'][data-to='{holder}'][data-resource=orders]");
        await Expect(edge.Locator("path.edge")).ToHaveCountAsync(1);
        await Expect(locks.Locator($"svg.waitfor g.wf-node.holder[data-txn='{holder}'] circle")).ToHaveCountAsync(1);
        await Expect(locks.Locator($"svg.waitfor g.wf-node.waiter[data-txn='{waiter}'] circle")).ToHaveCountAsync(1);

        // 9. /lock/list fails (the browser's request is answered 503): the locks panel says so, the others keep updating
        await page.RouteAsync("**/lock/list", route => route.FulfillAsync(new RouteFulfillOptions
        {
            Status = 503, ContentType = "application/problem+json", Body = """{"title":"Service Unavailable","status":503,"detail":"no leader"}""",
        }));
        await Expect(locks.Locator(".error")).ToBeVisibleAsync();
        await Expect(locks.Locator(".error")).ToContainTextAsync("GET /lock/list: 503 no leader");

        // 10. node 3 is cut off and killed: node 1's page shows it unreachable, its ring arcs dimmed, while /lock/list still fails
        await cluster.Faults.IsolateAsync(cluster.Nodes[2]);
        await cluster.Nodes[2].CrashAsync();
        var n3 = members.Locator("tr[data-node=n3]");
        await Expect(n3).ToHaveAttributeAsync("data-status", "unreachable");
        await Expect(n3.Locator("td.status .pill.unreachable")).ToHaveTextAsync("unreachable");
        await Expect(raft.Locator("svg.ring path.ring-arc.down[data-owner=n3]").First).ToBeAttachedAsync();
        await Expect(members.Locator(".error")).ToBeHiddenAsync();
        await Expect(locks.Locator(".error")).ToBeVisibleAsync();

        // 11. /lock/list answers again: the error goes, the edge is still drawn
        await page.UnrouteAllAsync();
        await Expect(locks.Locator(".error")).ToBeHiddenAsync();
        await Expect(edge.Locator("path.edge")).ToHaveCountAsync(1);

        // 12. the picture, for people: artifacts/dashboard.png at the repository's root
        var artifacts = Path.Combine(Chromium.RepositoryRoot(), "artifacts");
        Directory.CreateDirectory(artifacts);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(artifacts, "dashboard.png"), FullPage = true });

        // 13. no script error along the way
        Assert.Empty(pageErrors);

        // the waiting request ends with the test (its node abandons the wait), before the cluster stops
        await stopWaiting.CancelAsync();
        try
        {
            (await waiting).Dispose();
        }
        catch (OperationCanceledException)
        {
        }
    }

    [Fact]
    public async Task The_page_hashes_like_StableHash_and_reads_histogram_quantiles_from_bucket_deltas()
    {
        // 1. one node serves the scripts; the page imports them as modules
        await using var cluster = await InProcessCluster.StartAsync(1);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(cluster.Nodes[0].HttpAddress.ToString());

        // 2. xxHash64 in JS equals the nodes' StableHash, so the ring drawn is the ring partitions are placed on
        string[] texts = ["", "n1#0", "n3#149", "jobs/7", "héllo wörld, a key longer than thirty-two bytes", "日本語のキー"];
        var hashes = await page.EvaluateAsync<string[]>(
            "async texts => { const { xxh64 } = await import('/dashboard/xxhash64.js'); return texts.map(t => xxh64(t).toString()); }", texts);
        Assert.Equal(texts.Select(t => StableHash.Of(t).ToString(System.Globalization.CultureInfo.InvariantCulture)), hashes);

        // 3. p99 from two scrapes of a histogram split over two label sets: 100 new observations, 95 <= 0.01 s, 5 in (0.01, 0.1]
        const string before = """
            # TYPE h histogram
            h_bucket{route="/a",le="0.01"} 10
            h_bucket{route="/a",le="0.1"} 10
            h_bucket{route="/a",le="+Inf"} 10
            """;
        const string after = """
            h_bucket{route="/a",le="0.01"} 60
            h_bucket{route="/a",le="0.1"} 62
            h_bucket{route="/a",le="+Inf"} 62
            h_bucket{route="/b",le="0.01"} 45
            h_bucket{route="/b",le="0.1"} 48
            h_bucket{route="/b",le="+Inf"} 48
            """;
        var quantiles = await page.EvaluateAsync<JsonElement>("""
            async ([a, b]) => {
              const { parseProm, quantileBetween } = await import('/dashboard/prom.js');
              const p = parseProm(a), c = parseProm(b);
              return [quantileBetween(p, c, 'h_bucket', 0.99), quantileBetween(p, c, 'h_bucket', 0.5), quantileBetween(c, c, 'h_bucket', 0.99),
                      quantileBetween(p, c, 'absent_bucket', 0.99)];
            }
            """, new[] { before, after });
        // rank 99 of 100 lies 4/5 into (0.01, 0.1]; rank 50 lies 50/95 into (0, 0.01]; no new observation, or no metric: null
        Assert.Equal(0.01 + 0.09 * 4 / 5, quantiles[0].GetDouble(), 9);
        Assert.Equal(0.01 * 50 / 95, quantiles[1].GetDouble(), 9);
        Assert.Equal(JsonValueKind.Null, quantiles[2].ValueKind);
        Assert.Equal(JsonValueKind.Null, quantiles[3].ValueKind);
    }

    [Fact]
    public async Task The_page_charts_the_named_metrics_and_finds_deadlock_cycles_in_the_lock_list()
    {
        // 1. one node serves the scripts
        await using var cluster = await InProcessCluster.StartAsync(1);
        await using var chromium = await Chromium.LaunchAsync();
        var page = await chromium.NewPageAsync();
        await page.GotoAsync(cluster.Nodes[0].HttpAddress.ToString());

        // 2. two scrapes 2 s apart: each chart's value from the metric names of issue 15; a chart whose metric is absent has none
        const string before = """
            dsync_http_requests_total{method="GET",route="/status",status="200"} 10
            dsync_locks_grants_total 4
            dsync_queues_produced_total{queue="jobs"} 100
            dsync_cache_hits_total 30
            dsync_cache_misses_total 10
            """;
        const string after = """
            dsync_http_requests_total{method="GET",route="/status",status="200"} 16
            dsync_http_requests_total{method="POST",route="/lock/acquire",status="200"} 4
            dsync_locks_grants_total 8
            dsync_queues_produced_total{queue="jobs"} 120
            dsync_queues_produced_total{queue="mail"} 2
            dsync_queues_ready{queue="jobs",partition="0"} 7
            dsync_cache_hits_total 39
            dsync_cache_misses_total 11
            """;
        var values = await page.EvaluateAsync<Dictionary<string, double?>>("""
            async ([a, b]) => {
              const { CHARTS, parseProm } = await import('/dashboard/prom.js');
              const p = parseProm(a), c = parseProm(b);
              return Object.fromEntries(CHARTS.map(ch => [ch.id, ch.value(p, c, 2)]));
            }
            """, new[] { before, after });
        Assert.Equal(5, values["http-rps"]);            // (16 + 4 - 10) / 2 s: a series new in the second scrape counts whole
        Assert.Equal(2, values["lock-grants"]);
        Assert.Equal(11, values["queue-produced"]);
        Assert.Equal(7, values["queue-ready"]);
        Assert.Equal(90, values["cache-hit"]);          // 9 hits of 10 lookups in the interval
        Assert.Null(values["http-p99"]);
        Assert.Null(values["broadcast-published"]);

        // 3. wait-for edges from a lock list: a 2-cycle (s-1 and s-2 wait for each other) and s-3 waiting outside it
        var edges = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const { waitFor } = await import('/dashboard/panels.js');
              const held = (s) => ({ sessionId: s, fencingToken: 1, txnId: s });
              const waits = (s) => ({ sessionId: s, mode: 'exclusive', txnId: s });
              return waitFor([
                { resource: 'a', mode: 'exclusive', holders: [held('s-1')], waiters: [waits('s-2'), waits('s-3')] },
                { resource: 'b', mode: 'exclusive', holders: [held('s-2')], waiters: [waits('s-1')] },
              ]).edges.map(e => `${e.from}->${e.to}:${e.resource}:${e.cycle}`).sort();
            }
            """);
        Assert.Equal(["s-1->s-2:b:true", "s-2->s-1:a:true", "s-3->s-1:a:false"], edges.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    private static async Task<string> SessionAsync(HttpClient http)
    {
        var response = await http.PostAsJsonAsync("/session", new { ttlMs = 600_000 });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SessionResponse>(DistSync.Client.DistSyncJson.Options))!.SessionId;
    }

    private static async Task PostAsync(HttpClient http, string path, object body, HttpStatusCode expected)
    {
        var response = await http.PostAsJsonAsync(path, body);
        Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [GeneratedRegex("^n[123]$")]
    private static partial Regex NodeId();

    [GeneratedRegex("^[1-9][0-9]*$")]
    private static partial Regex PositiveNumber();

    [GeneratedRegex("^leader · term [1-9][0-9]*$")]
    private static partial Regex LeaderWithTerm();
}
