using Prometheus;

namespace DistSync.Node.Kv;

/// <summary>The key-value store's series on this node's /metrics: keys and bytes of this node's replica, live watchers,
/// events its watch streams delivered, and the watch lag (leader's timestamp of the entry to the moment this node wrote
/// the event to a watcher).</summary>
public sealed class KvMetrics
{
    private readonly Counter _delivered;
    private readonly Histogram _lag;
    private readonly Gauge _watchers;
    private readonly Gauge _keys;
    private readonly Gauge _bytes;
    private readonly Counter _compacted;
    private readonly KvWatchHub _hub;
    private long _keyCount;
    private long _byteCount;

    public KvMetrics(IMetricFactory factory, CollectorRegistry registry, KvWatchHub hub)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(registry);
        _hub = hub;
        _delivered = factory.CreateCounter("dsync_kv_watch_events_delivered_total", "changes this node's watch streams wrote to watchers");
        _lag = factory.CreateHistogram("dsync_kv_watch_lag_seconds", "leader timestamp of a change's entry to its delivery by this node's watch stream",
            new HistogramConfiguration { Buckets = DistSync.Node.Metrics.MetricBuckets.Seconds });
        _watchers = factory.CreateGauge("dsync_kv_watchers", "live watch streams on this node");
        _keys = factory.CreateGauge("dsync_kv_keys", "keys in this node's replica of the key-value store");
        _bytes = factory.CreateGauge("dsync_kv_bytes", "UTF-8 bytes of the keys and values in this node's replica");
        _compacted = factory.CreateCounter("dsync_kv_watch_compacted_total", "watches refused or ended because their start was compacted");
        registry.AddBeforeCollectCallback(() =>
        {
            _watchers.Set(_hub.Count);
            _keys.Set(Interlocked.Read(ref _keyCount));
            _bytes.Set(Interlocked.Read(ref _byteCount));
        });
    }

    /// <summary>The replica's size after an entry (the apply thread; cheap).</summary>
    public void StoreSize(int keys, long bytes)
    {
        Interlocked.Exchange(ref _keyCount, keys);
        Interlocked.Exchange(ref _byteCount, bytes);
    }

    public void Delivered(long timestampMs, bool live)
    {
        _delivered.Inc();
        // Catch-up events are old by design; only live ones measure how far behind watchers run.
        if (live) _lag.Observe(Math.Max(0, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - timestampMs) / 1000.0);
    }

    public void Compacted() => _compacted.Inc();
}
