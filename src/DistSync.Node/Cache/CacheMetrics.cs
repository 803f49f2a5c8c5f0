using System.Diagnostics.Metrics;
using DistSync.Cache;

namespace DistSync.Node.Cache;

/// <summary>The cache's instruments (Meter "DistSync.Cache", exported by /metrics), observed from the node's
/// <see cref="CacheStats"/> and its lines' states.</summary>
public sealed class CacheMetrics : IDisposable
{
    public const string MeterName = "DistSync.Cache";

    private readonly Meter meter = new(MeterName);

    public CacheMetrics(string nodeId, CacheFront front)
    {
        var node = new KeyValuePair<string, object?>("node", nodeId);
        var stats = front.Stats;
        meter.CreateObservableCounter("dsync.cache.hits", () => new Measurement<long>(stats.Hits, node), description: "reads served from this node's lines (no message)");
        meter.CreateObservableCounter("dsync.cache.misses", () => new Measurement<long>(stats.Misses, node), description: "reads that asked the key's home");
        meter.CreateObservableCounter("dsync.cache.evictions", () => new Measurement<long>(stats.Evictions, node), description: "lines evicted (LRU by count or bytes)");
        meter.CreateObservableCounter("dsync.cache.invalidations_sent", () => new Measurement<long>(stats.InvalidationsSent, node), description: "recalls to I sent by this node's homes");
        meter.CreateObservableCounter("dsync.cache.invalidations_received", () => new Measurement<long>(stats.InvalidationsReceived, node), description: "recalls to I that found a copy here");
        meter.CreateObservableCounter("dsync.cache.messages_sent", () => new Measurement<long>(stats.MessagesSent, node), description: "coherence protocol messages sent by this node's lines and homes");
        meter.CreateObservableCounter("dsync.cache.write_backs", () => new Measurement<long>(stats.WriteBacks, node), description: "dirty values written back to the KV");
        meter.CreateObservableCounter("dsync.cache.write_back_failures", () => new Measurement<long>(stats.WriteBackFailures, node), description: "write-backs that failed (the line stayed M)");
        meter.CreateObservableCounter("dsync.cache.lost_dirty_lines", () => new Measurement<long>(stats.LostDirtyLines, node), description: "dirty lines dropped unwritten because their home became unreachable");
        meter.CreateObservableCounter("dsync.cache.refused", () => new Measurement<long>(stats.Refused, node), description: "cache requests answered with an error");
        meter.CreateObservableGauge("dsync.cache.bytes", () => new Measurement<long>(stats.Bytes, node), description: "value bytes held by this node's lines");
        meter.CreateObservableGauge("dsync.cache.lines", () =>
        {
            var (_, m, e, s, i) = front.CountByState();
            return new[]
            {
                new Measurement<long>(m, node, new("state", "M")),
                new Measurement<long>(e, node, new("state", "E")),
                new Measurement<long>(s, node, new("state", "S")),
                new Measurement<long>(i, node, new("state", "I")),
            };
        }, description: "this node's lines by MESI state");
    }

    public void Dispose() => meter.Dispose();
}
