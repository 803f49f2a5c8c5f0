using DistSync.Cache;
using Prometheus;

namespace DistSync.Node.Cache;

/// <summary>The cache's series on this node's /metrics, read on scrape from the node's <see cref="CacheStats"/> and
/// its lines' states (nothing is recorded on the read path).</summary>
public sealed class CacheMetrics : IDisposable
{
    private readonly CacheFront front;
    private readonly Counter hits, misses, evictions, invalidationsSent, invalidationsReceived, messagesSent, writeBacks, writeBackFailures, lostDirtyLines, refused;
    private readonly Gauge hitRatio, bytes, lines;

    public CacheMetrics(IMetricFactory factory, CollectorRegistry registry, CacheFront front)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(registry);
        this.front = front;
        hits = factory.CreateCounter("dsync_cache_hits_total", "reads served from this node's lines (no message)");
        misses = factory.CreateCounter("dsync_cache_misses_total", "reads that asked the key's home");
        hitRatio = factory.CreateGauge("dsync_cache_hit_ratio", "hits / (hits + misses) since the node started (0 before the first read)");
        evictions = factory.CreateCounter("dsync_cache_evictions_total", "lines evicted (LRU by count or bytes)");
        invalidationsSent = factory.CreateCounter("dsync_cache_invalidations_sent_total", "recalls to I sent by this node's homes");
        invalidationsReceived = factory.CreateCounter("dsync_cache_invalidations_received_total", "recalls to I that found a copy here");
        messagesSent = factory.CreateCounter("dsync_cache_messages_sent_total", "coherence protocol messages sent by this node's lines and homes");
        writeBacks = factory.CreateCounter("dsync_cache_write_backs_total", "dirty values written back to the KV");
        writeBackFailures = factory.CreateCounter("dsync_cache_write_back_failures_total", "write-backs that failed (the line stayed M)");
        lostDirtyLines = factory.CreateCounter("dsync_cache_lost_dirty_lines_total", "dirty lines dropped unwritten because their home became unreachable");
        refused = factory.CreateCounter("dsync_cache_refused_total", "cache requests answered with an error");
        bytes = factory.CreateGauge("dsync_cache_bytes", "value bytes held by this node's lines");
        lines = factory.CreateGauge("dsync_cache_lines", "this node's lines by MESI state", ["state"]);
        registry.AddBeforeCollectCallback(Collect);
    }

    private void Collect()
    {
        var stats = front.Stats;
        long h = stats.Hits, m = stats.Misses;
        hits.IncTo(h);
        misses.IncTo(m);
        hitRatio.Set(h + m == 0 ? 0 : (double)h / (h + m));
        evictions.IncTo(stats.Evictions);
        invalidationsSent.IncTo(stats.InvalidationsSent);
        invalidationsReceived.IncTo(stats.InvalidationsReceived);
        messagesSent.IncTo(stats.MessagesSent);
        writeBacks.IncTo(stats.WriteBacks);
        writeBackFailures.IncTo(stats.WriteBackFailures);
        lostDirtyLines.IncTo(stats.LostDirtyLines);
        refused.IncTo(stats.Refused);
        bytes.Set(stats.Bytes);
        var (_, mLines, e, s, i) = front.CountByState();
        lines.WithLabels("M").Set(mLines);
        lines.WithLabels("E").Set(e);
        lines.WithLabels("S").Set(s);
        lines.WithLabels("I").Set(i);
    }

    public void Dispose()
    {
        // the series live in the node's registry, which goes with the node
    }
}
