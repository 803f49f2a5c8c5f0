using System.Text.Json;
using System.Text.RegularExpressions;
using DistSync.Node.Tests.Metrics;

namespace DistSync.Node.Tests.Deploy;

/// <summary>deploy/grafana/dsync-dashboard.json: a Grafana dashboard on a Prometheus data-source variable whose every
/// query reads metrics a real node exports, with a panel for each area the runbook looks at.</summary>
[Collection(ScrapedClusterCollection.Name)]
public partial class GrafanaDashboardSpec(ScrapedCluster node)
{
    private static readonly JsonDocument Dashboard = JsonDocument.Parse(File.ReadAllText(RepoFiles.PathOf("deploy/grafana/dsync-dashboard.json")));

    [GeneratedRegex(@"label_values\(\s*([a-zA-Z_:][a-zA-Z0-9_:]*)")]
    private static partial Regex LabelValuesOf();

    [Fact]
    public void It_is_a_dashboard_on_a_prometheus_datasource_variable()
    {
        var root = Dashboard.RootElement;
        Assert.InRange(root.GetProperty("schemaVersion").GetInt32(), 36, 41);
        Assert.False(string.IsNullOrEmpty(root.GetProperty("uid").GetString()));
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var datasource = Assert.Single(variables, v => v.GetProperty("type").GetString() == "datasource");
        Assert.Equal("prometheus", datasource.GetProperty("query").GetString());
        var name = datasource.GetProperty("name").GetString();
        foreach (var (panel, target) in Targets())
            Assert.True(target.GetProperty("datasource").GetProperty("uid").GetString() == $"${{{name}}}", $"panel '{panel}' does not use the data-source variable");
    }

    [Fact]
    public void Every_query_reads_metrics_a_node_exports()
    {
        var queried = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (panel, target) in Targets())
        {
            var names = PromQlNames.In(target.GetProperty("expr").GetString()!);
            Assert.True(names.Count > 0, $"panel '{panel}' queries no metric");
            foreach (var metric in names)
            {
                var family = PromQlNames.FamilyOf(metric, node.After);
                Assert.True(family is not null, $"panel '{panel}' reads {metric}, which /metrics does not export");
                queried.Add(family!);
            }
        }
        foreach (var variable in Dashboard.RootElement.GetProperty("templating").GetProperty("list").EnumerateArray())
        {
            if (variable.GetProperty("type").GetString() != "query") continue;
            var metric = LabelValuesOf().Match(variable.GetProperty("definition").GetString()!).Groups[1].Value;
            Assert.True(node.After.ContainsKey(metric), $"variable {variable.GetProperty("name")} reads {metric}, which /metrics does not export");
        }

        // HTTP rate/latency, Raft term/leader changes/commit, locks, queue backlog/DLQ, cache, broadcast, fsync, GC, thread pool
        string[] areas =
        [
            "dsync_http_requests_total", "dsync_http_request_duration_seconds", "dsync_raft_term", "dsync_raft_leader_changes_total", "dsync_raft_commit_index",
            "dsync_locks_wait_seconds", "dsync_locks_grants_total", "dsync_queues_ready", "dsync_queues_dead_lettered", "dsync_cache_hits_total",
            "dsync_broadcast_published_total", "dsync_journal_fsync_seconds", "dotnet_collection_count_total", "dsync_dotnet_threadpool_threads",
        ];
        foreach (var area in areas) Assert.True(queried.Contains(area), $"no panel queries {area}");
    }

    private static IEnumerable<(string Panel, JsonElement Target)> Targets()
    {
        foreach (var panel in Dashboard.RootElement.GetProperty("panels").EnumerateArray())
        {
            if (!panel.TryGetProperty("targets", out var targets)) continue;
            var title = panel.GetProperty("title").GetString()!;
            foreach (var t in targets.EnumerateArray()) yield return (title, t);
        }
    }
}
