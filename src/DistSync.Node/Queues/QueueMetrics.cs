using System.Globalization;
using Prometheus;

namespace DistSync.Node.Queues;

/// <summary>
/// The queue service's series on this node's /metrics: what this node's API answered per queue (produced, delivered,
/// redelivered, acked, nacked; summed over the nodes they are the cluster's totals) and, per partition this node hosts,
/// the counts of its replica (ready, inflight, dead-lettered) as of the last stats sample, labelled queue and partition.
/// </summary>
public sealed class QueueMetrics : IDisposable
{
    private readonly Counter produced;
    private readonly Counter delivered;
    private readonly Counter redelivered;
    private readonly Counter acked;
    private readonly Counter nacked;
    private readonly Gauge ready;
    private readonly Gauge inflight;
    private readonly Gauge deadLettered;
    private readonly object gaugeLock = new();
    private HashSet<(string Queue, string Partition)> gaugeSeries = [];

    public QueueMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        produced = factory.CreateCounter("dsync_queues_produced_total", "messages this node's API answered 201 for (duplicates included)", ["queue"]);
        delivered = factory.CreateCounter("dsync_queues_delivered_total", "message deliveries this node's API returned to consumers", ["queue"]);
        redelivered = factory.CreateCounter("dsync_queues_redelivered_total", "deliveries of a message delivered before (lease expired or nacked)", ["queue"]);
        acked = factory.CreateCounter("dsync_queues_acked_total", "messages acked through this node's API", ["queue"]);
        nacked = factory.CreateCounter("dsync_queues_nacked_total", "messages nacked through this node's API", ["queue"]);
        ready = factory.CreateGauge("dsync_queues_ready", "ready (and delayed) messages per partition (this node's replica)", ["queue", "partition"]);
        inflight = factory.CreateGauge("dsync_queues_inflight", "leased messages per partition (this node's replica)", ["queue", "partition"]);
        deadLettered = factory.CreateGauge("dsync_queues_dead_lettered", "messages in the dead-letter queue per partition (this node's replica)", ["queue", "partition"]);
    }

    public void Produced(string queue) => produced.WithLabels(queue).Inc();

    /// <summary><paramref name="count"/> deliveries, <paramref name="again"/> of them of a message delivered before.</summary>
    public void Delivered(string queue, int count, int again = 0)
    {
        if (count > 0) delivered.WithLabels(queue).Inc(count);
        if (again > 0) redelivered.WithLabels(queue).Inc(again);
    }

    public void Acked(string queue, int count) { if (count > 0) acked.WithLabels(queue).Inc(count); }
    public void Nacked(string queue, int count) { if (count > 0) nacked.WithLabels(queue).Inc(count); }

    /// <summary>Replaces the per-partition gauges (the replica manager samples hosted partitions); a partition no longer
    /// sampled loses its series.</summary>
    public void SetPartitionGauges(IReadOnlyList<(string Queue, int Partition, long Ready, long Inflight, long DeadLettered)> samples)
    {
        lock (gaugeLock)
        {
            var now = new HashSet<(string, string)>();
            foreach (var s in samples)
            {
                var partition = s.Partition.ToString(CultureInfo.InvariantCulture);
                now.Add((s.Queue, partition));
                ready.WithLabels(s.Queue, partition).Set(s.Ready);
                inflight.WithLabels(s.Queue, partition).Set(s.Inflight);
                deadLettered.WithLabels(s.Queue, partition).Set(s.DeadLettered);
            }
            foreach (var (queue, partition) in gaugeSeries)
            {
                if (now.Contains((queue, partition))) continue;
                ready.RemoveLabelled(queue, partition);
                inflight.RemoveLabelled(queue, partition);
                deadLettered.RemoveLabelled(queue, partition);
            }
            gaugeSeries = now;
        }
    }

    public void Dispose()
    {
        // the series live in the node's registry, which goes with the node
    }
}
