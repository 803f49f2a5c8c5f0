using System.Diagnostics.Metrics;

namespace DistSync.Node.Queues;

/// <summary>
/// The queue service's instruments (Meter "DistSync.Queues", exported by /metrics): what this node's API answered
/// (produced, delivered, acked, nacked; summed over the nodes they are the cluster's totals) and, per partition this
/// node hosts, the counts of its replica (ready, inflight, dead-lettered) as of the last stats sample.
/// </summary>
public sealed class QueueMetrics : IDisposable
{
    public const string MeterName = "DistSync.Queues";

    private readonly Meter meter = new(MeterName);
    private readonly Counter<long> produced;
    private readonly Counter<long> delivered;
    private readonly Counter<long> acked;
    private readonly Counter<long> nacked;
    private readonly KeyValuePair<string, object?> node;
    private volatile IReadOnlyList<(string Queue, int Partition, long Ready, long Inflight, long DeadLettered)> gauges = [];

    public QueueMetrics(string nodeId)
    {
        node = new KeyValuePair<string, object?>("node", nodeId);
        produced = meter.CreateCounter<long>("dsync.queues.produced", description: "messages this node's API answered 201 for (duplicates included)");
        delivered = meter.CreateCounter<long>("dsync.queues.delivered", description: "message deliveries this node's API returned to consumers");
        acked = meter.CreateCounter<long>("dsync.queues.acked", description: "messages acked through this node's API");
        nacked = meter.CreateCounter<long>("dsync.queues.nacked", description: "messages nacked through this node's API");
        meter.CreateObservableGauge("dsync.queues.ready", () => Gauge(g => g.Ready), description: "ready messages per partition (this node's replica)");
        meter.CreateObservableGauge("dsync.queues.inflight", () => Gauge(g => g.Inflight), description: "leased messages per partition (this node's replica)");
        meter.CreateObservableGauge("dsync.queues.dead_lettered", () => Gauge(g => g.DeadLettered), description: "messages in the dead-letter queue per partition (this node's replica)");
    }

    public void Produced(string queue) => produced.Add(1, node, new("queue", queue));
    public void Delivered(string queue, int count) { if (count > 0) delivered.Add(count, node, new("queue", queue)); }
    public void Acked(string queue, int count) { if (count > 0) acked.Add(count, node, new("queue", queue)); }
    public void Nacked(string queue, int count) { if (count > 0) nacked.Add(count, node, new("queue", queue)); }

    /// <summary>Replaces the per-partition gauges (the replica manager samples hosted partitions).</summary>
    public void SetPartitionGauges(IReadOnlyList<(string Queue, int Partition, long Ready, long Inflight, long DeadLettered)> samples) => gauges = samples;

    private IEnumerable<Measurement<long>> Gauge(Func<(string Queue, int Partition, long Ready, long Inflight, long DeadLettered), long> pick)
    {
        var list = gauges;
        var result = new List<Measurement<long>>(list.Count);
        foreach (var g in list) result.Add(new Measurement<long>(pick(g), node, new("queue", g.Queue), new("partition", g.Partition)));
        return result;
    }

    public void Dispose() => meter.Dispose();
}
