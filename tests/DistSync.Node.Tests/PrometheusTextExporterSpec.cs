using System.Diagnostics.Metrics;
using DistSync.Node.Metrics;

namespace DistSync.Node.Tests;

public class PrometheusTextExporterSpec
{
    [Fact]
    public void Counters_are_summed_per_label_set_and_named_with_total()
    {
        using var exporter = new PrometheusTextExporter("DistSync.Test.Counters");
        using var meter = new Meter("DistSync.Test.Counters");
        var frames = meter.CreateCounter<long>("dsync.remote.frames-dropped", description: "frames dropped");
        frames.Add(2, new KeyValuePair<string, object?>("peer", "n2"));
        frames.Add(3, new KeyValuePair<string, object?>("peer", "n2"));
        frames.Add(1, new KeyValuePair<string, object?>("peer", "n3"));

        var text = exporter.Render();

        Assert.Contains("# TYPE dsync_remote_frames_dropped_total counter\n", text);
        Assert.Contains("dsync_remote_frames_dropped_total{peer=\"n2\"} 5\n", text);
        Assert.Contains("dsync_remote_frames_dropped_total{peer=\"n3\"} 1\n", text);
    }

    [Fact]
    public void Observable_gauges_are_read_fresh_at_each_scrape()
    {
        using var exporter = new PrometheusTextExporter("DistSync.Test.Gauges");
        using var meter = new Meter("DistSync.Test.Gauges");
        var value = 7;
        meter.CreateObservableGauge("dsync.raft.commit-index", () => value);

        Assert.Contains("dsync_raft_commit_index 7\n", exporter.Render());
        value = 9;
        Assert.Contains("dsync_raft_commit_index 9\n", exporter.Render());
    }

    [Fact]
    public void Histograms_have_cumulative_buckets_sum_and_count()
    {
        using var exporter = new PrometheusTextExporter("DistSync.Test.Histograms");
        using var meter = new Meter("DistSync.Test.Histograms");
        var latency = meter.CreateHistogram<double>("dsync.persist.latency", unit: "s");
        latency.Record(0.0007);
        latency.Record(0.02);

        var text = exporter.Render();

        Assert.Contains("# TYPE dsync_persist_latency histogram\n", text);
        Assert.Contains("dsync_persist_latency_bucket{le=\"0.0005\"} 0\n", text);
        Assert.Contains("dsync_persist_latency_bucket{le=\"0.001\"} 1\n", text);
        Assert.Contains("dsync_persist_latency_bucket{le=\"0.025\"} 2\n", text);
        Assert.Contains("dsync_persist_latency_bucket{le=\"+Inf\"} 2\n", text);
        Assert.Contains("dsync_persist_latency_count 2\n", text);
    }

    [Fact]
    public void Meters_outside_the_prefix_are_not_exported_and_label_values_are_escaped()
    {
        using var exporter = new PrometheusTextExporter("DistSync.Test.Escape");
        using var other = new Meter("Other.Library");
        using var meter = new Meter("DistSync.Test.Escape");
        other.CreateCounter<long>("other.count").Add(1);
        meter.CreateCounter<long>("dsync.x").Add(1, new KeyValuePair<string, object?>("path", "a\"b\\c"));

        var text = exporter.Render();

        Assert.DoesNotContain("other_count", text);
        Assert.Contains("dsync_x_total{path=\"a\\\"b\\\\c\"} 1\n", text);
    }
}
