using Prometheus;

namespace DistSync.Node.Metrics;

/// <summary>HTTP requests by method, route template (bounded cardinality: never the raw path) and status, and their
/// latency. Recorded by <see cref="Http.HttpMetricsMiddleware"/>.</summary>
public sealed class HttpMetrics
{
    private readonly Counter requests;
    private readonly Histogram duration;

    internal HttpMetrics(IMetricFactory factory)
    {
        requests = factory.CreateCounter("dsync_http_requests_total", "HTTP requests answered, by method, route template and status",
            new CounterConfiguration { LabelNames = ["method", "route", "status"] });
        duration = factory.CreateHistogram("dsync_http_request_duration_seconds", "time from request to response, by method and route template",
            new HistogramConfiguration { LabelNames = ["method", "route"], Buckets = MetricBuckets.Seconds });
    }

    /// <summary>One answered request; <paramref name="route"/> is the endpoint's template ("unmatched" when none).</summary>
    public void Observe(string method, string route, int status, TimeSpan elapsed)
    {
        ReadOnlySpan<string> counterLabels = [method, route, StatusText(status)];
        requests.WithLabels(counterLabels).Inc();
        ReadOnlySpan<string> durationLabels = [method, route];
        duration.WithLabels(durationLabels).Observe(elapsed.TotalSeconds);
    }

    // Cached texts of the usual codes: the label needs a string, and int.ToString allocates.
    private static readonly string[] Statuses = Enumerable.Range(0, 600).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string StatusText(int status) =>
        status >= 0 && status < Statuses.Length ? Statuses[status] : status.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
