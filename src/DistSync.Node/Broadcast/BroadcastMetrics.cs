using System.Diagnostics.Metrics;
using DistSync.Broadcast;

namespace DistSync.Node.Broadcast;

/// <summary>The broadcast service's instruments (Meter "DistSync.Broadcast", exported by /metrics): publishes this
/// node's API answered, messages its SSE streams delivered, its live subscribers, and the delivery lag (leader's
/// timestamp of the message to the moment this node wrote it to a subscriber).</summary>
public sealed class BroadcastMetrics : IDisposable
{
    public const string MeterName = "DistSync.Broadcast";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> published;
    private readonly Counter<long> delivered;
    private readonly Histogram<double> lag;
    private readonly KeyValuePair<string, object?> node;

    public BroadcastMetrics(string nodeId, BroadcastHub hub)
    {
        node = new KeyValuePair<string, object?>("node", nodeId);
        published = meter.CreateCounter<long>("dsync.broadcast.published", description: "messages this node's API published (201, duplicates included)");
        delivered = meter.CreateCounter<long>("dsync.broadcast.delivered", description: "messages this node's SSE subscriptions delivered");
        lag = meter.CreateHistogram<double>("dsync.broadcast.delivery_lag", unit: "ms", description: "leader timestamp of a message to its delivery by this node");
        meter.CreateObservableGauge("dsync.broadcast.subscribers", () => new Measurement<long>(hub.TotalSubscribers, node), description: "live subscriptions on this node");
    }

    public void Published(string topic) => published.Add(1, node, new("topic", topic));

    public void Delivered(BroadcastMessage message)
    {
        delivered.Add(1, node, new("topic", message.Topic));
        lag.Record(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - message.TimestampMs), node);
    }

    public void Dispose() => meter.Dispose();
}
