namespace DistSync.Node.Tests.Metrics;

/// <summary>/metrics of a node that served every kind of request: valid exposition text, the dashboard's contract
/// names with their labels, and counters that moved by what was done.</summary>
[Collection(ScrapedClusterCollection.Name)]
public class MetricsSpec(ScrapedCluster node, Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void The_exposition_parses_and_every_family_is_typed()
    {
        // Exposition.Parse throws on any line that is not a comment or a typed family's sample
        output.WriteLine($"{node.After.Count} families, {node.After.Count(f => f.Key.StartsWith("dsync_", StringComparison.Ordinal))} of them dsync_*");
        File.WriteAllText(Path.Combine(Path.GetTempPath(), "dsync-metrics-sample.txt"), node.AfterText);
        Assert.True(node.After.Count >= 30, $"{node.After.Count} families: {string.Join(", ", node.After.Keys)}");
        Assert.Contains(node.After.Values, f => f.Name.StartsWith("dotnet_", StringComparison.Ordinal) || f.Name.StartsWith("process_", StringComparison.Ordinal));
        Assert.Contains("dsync_dotnet_threadpool_threads", node.After.Keys);
    }

    [Fact]
    public void Every_contract_family_exists_with_its_type_and_labels()
    {
        foreach (var (name, type, labels) in MetricContract.Families)
        {
            Assert.True(node.After.TryGetValue(name, out var family), $"{name} is missing from /metrics");
            Assert.Equal(type, family!.Type);
            foreach (var sample in family.Samples)
                foreach (var label in labels)
                    Assert.True(sample.Labels.ContainsKey(label), $"{sample.Name} lacks label {label}: {string.Join(",", sample.Labels.Keys)}");
        }
    }

    [Fact]
    public void Counters_moved_by_the_work_done_through_the_node()
    {
        double Moved(string name, params (string, string)[] labels) =>
            Exposition.Value(node.After, name, labels) - Exposition.Value(node.Before, name, labels);

        Assert.Equal(1, Moved("dsync_locks_grants_total"));
        Assert.Equal(1, node.HeldWhileLocked);
        Assert.Equal(0, node.HeldAfterRelease);
        Assert.Equal(1, Moved("dsync_locks_wait_seconds_count"));
        Assert.Equal(1, Moved("dsync_queues_produced_total", ("queue", ScrapedCluster.Queue)));
        Assert.Equal(1, Moved("dsync_queues_acked_total", ("queue", ScrapedCluster.Queue)));
        Assert.Equal(1, Moved("dsync_broadcast_published_total", ("topic", ScrapedCluster.Topic)));
        Assert.True(Moved("dsync_broadcast_delivered_total") >= 1);
        Assert.True(Moved("dsync_cache_hits_total") + Moved("dsync_cache_misses_total") >= 2);
        Assert.True(Moved("dsync_http_requests_total", ("method", "POST"), ("route", "/lock/acquire"), ("status", "200")) >= 1);
        Assert.True(Moved("dsync_http_request_duration_seconds_count", ("method", "POST"), ("route", "/lock/acquire")) >= 1);
        Assert.True(Moved("dsync_journal_batch_size_count") >= 1);
        Assert.True(Moved("dsync_journal_fsync_seconds_count") >= 1);
        Assert.True(Exposition.Value(node.After, "dsync_raft_term", ("group", "0")) >= 1);
        Assert.True(Exposition.Value(node.After, "dsync_raft_commit_index", ("group", "0")) > Exposition.Value(node.Before, "dsync_raft_commit_index", ("group", "0")));
        Assert.True(Exposition.Value(node.After, "dsync_cluster_members", ("status", "up")) == 3);
        Assert.Equal(2, node.After["dsync_cluster_phi"].Samples.Count);
    }

    [Fact]
    public void The_route_label_is_the_template_not_the_raw_path()
    {
        var routes = node.After["dsync_http_requests_total"].Samples.Select(s => s.Labels["route"]).ToHashSet();
        Assert.Contains("/metrics", routes);
        Assert.DoesNotContain(routes, r => r.Contains(ScrapedCluster.Queue, StringComparison.Ordinal) || r.Contains("metrics-key", StringComparison.Ordinal));
    }
}
