namespace DistSync.Node.Tests.Metrics;

/// <summary>The name extraction the alert and dashboard cross-checks rely on: metric names found, functions,
/// keywords, label names, strings, durations and Grafana variables left out.</summary>
public class PromQlNamesSpec
{
    [Theory]
    [InlineData("""histogram_quantile(0.99, sum by (route, le) (rate(dsync_http_request_duration_seconds_bucket{instance=~"$instance",status="5.."}[$__rate_interval])))""",
        "dsync_http_request_duration_seconds_bucket")]
    [InlineData("""sum by (queue) (max by (queue, partition) (dsync_queues_ready)) > 1000 and sum by (queue) (deriv(dsync_queues_ready[15m])) > 0""",
        "dsync_queues_ready")]
    [InlineData("""sum(rate(dsync_cache_hits_total[10m])) / (sum(rate(dsync_cache_hits_total[10m])) + sum(rate(dsync_cache_misses_total[10m]))) < 0.5""",
        "dsync_cache_hits_total,dsync_cache_misses_total")]
    [InlineData("""up{job="dsync"} == 0 or on(instance) group_left dsync_raft_term offset 5m""", "up,dsync_raft_term")]
    public void Finds_exactly_the_metric_names(string expression, string names) =>
        Assert.Equal(names.Split(',').Order(StringComparer.Ordinal), PromQlNames.In(expression).Order(StringComparer.Ordinal));

    [Fact]
    public void A_misspelt_name_has_no_family_and_a_histogram_suffix_maps_to_its_family()
    {
        var families = Exposition.Parse("""
            # TYPE dsync_locks_grants_total counter
            dsync_locks_grants_total 3
            # TYPE dsync_locks_wait_seconds histogram
            dsync_locks_wait_seconds_bucket{le="+Inf"} 1
            dsync_locks_wait_seconds_sum 0.5
            dsync_locks_wait_seconds_count 1
            """);
        Assert.Equal("dsync_locks_wait_seconds", PromQlNames.FamilyOf("dsync_locks_wait_seconds_bucket", families));
        Assert.Equal("dsync_locks_grants_total", PromQlNames.FamilyOf("dsync_locks_grants_total", families));
        Assert.Null(PromQlNames.FamilyOf("dsyn_locks_grants_total", families));
        Assert.Null(PromQlNames.FamilyOf("dsync_locks_grants_total_count", families)); // a counter has no _count
    }

    [Theory]
    [InlineData("dsync_x 1")] // no # TYPE before it
    [InlineData("# TYPE dsync_x gauge\ndsync_x{a=\"1\" 1")]
    [InlineData("# TYPE dsync_x gauge\ndsync_x one")]
    [InlineData("# TYPE dsync_x gauge\n# TYPE dsync_x gauge")]
    public void The_exposition_reader_rejects_malformed_text(string text) => Assert.Throws<FormatException>(() => Exposition.Parse(text));
}
