using DistSync.Broadcast;
using Prometheus;

namespace DistSync.Node.Broadcast;

/// <summary>The broadcast service's series on this node's /metrics: publishes this node's API answered (per topic),
/// messages its SSE streams delivered, its live subscribers, and the delivery lag (leader's timestamp of the message to
/// the moment this node wrote it to a subscriber).</summary>
public sealed class BroadcastMetrics : IDisposable
{
    private readonly Counter published;
    private readonly Counter delivered;
    private readonly Histogram lag;
    private readonly Gauge subscribers;
    private readonly BroadcastHub hub;

    public BroadcastMetrics(IMetricFactory factory, CollectorRegistry registry, BroadcastHub hub)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(registry);
        this.hub = hub;
        published = factory.CreateCounter("dsync_broadcast_published_total", "messages this node's API published (201, duplicates included)", ["topic"]);
        delivered = factory.CreateCounter("dsync_broadcast_delivered_total", "messages this node's SSE subscriptions delivered", ["topic"]);
        lag = factory.CreateHistogram("dsync_broadcast_delivery_lag_seconds", "leader timestamp of a message to its delivery by this node",
            new HistogramConfiguration { Buckets = DistSync.Node.Metrics.MetricBuckets.Seconds });
        subscribers = factory.CreateGauge("dsync_broadcast_subscribers", "live subscriptions on this node");
        registry.AddBeforeCollectCallback(() => subscribers.Set(this.hub.TotalSubscribers));
    }

    public void Published(string topic) => published.WithLabels(topic).Inc();

    public void Delivered(BroadcastMessage message)
    {
        delivered.WithLabels(message.Topic).Inc();
        lag.Observe(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - message.TimestampMs) / 1000.0);
    }

    public void Dispose()
    {
        // the series live in the node's registry, which goes with the node
    }
}
