using DistSync.Persistence.Plugins;
using Prometheus;

namespace DistSync.Node.Metrics;

/// <summary>
/// The node's journal plugin (the group-commit writer all Raft groups share): per committed batch its size and its
/// commit time, fsync included (observed through <see cref="JournalPluginMetrics.BatchCommitted"/>, on the writer's
/// thread, into unlabelled series: no allocation); batch, write and failure counts and the queue read on scrape.
/// </summary>
internal sealed class JournalMetrics
{
    private readonly JournalPluginMetrics source;
    private readonly Histogram batchSize;
    private readonly Histogram fsyncSeconds;
    private readonly Counter batches, failedBatches, atomicWrites, events, rejections;
    private readonly Gauge waiting;

    public JournalMetrics(IMetricFactory factory, JournalPluginMetrics source)
    {
        this.source = source;
        batchSize = factory.CreateHistogram("dsync_journal_batch_size", "atomic writes (Persist calls of all actors) per committed journal batch",
            new HistogramConfiguration { Buckets = MetricBuckets.BatchSize });
        fsyncSeconds = factory.CreateHistogram("dsync_journal_fsync_seconds", "time to commit one journal batch: one transaction and its fsync (sqlite) or one MULTI/EXEC (redis)",
            new HistogramConfiguration { Buckets = MetricBuckets.Fsync });
        batches = factory.CreateCounter("dsync_persistence_journal_batches_total", "journal batches committed (one transaction + fsync, or one MULTI/EXEC, each)");
        failedBatches = factory.CreateCounter("dsync_persistence_journal_failed_batches_total", "journal batches that failed");
        atomicWrites = factory.CreateCounter("dsync_persistence_journal_atomic_writes_total", "Persist/PersistAll calls in committed batches");
        events = factory.CreateCounter("dsync_persistence_journal_events_total", "events in committed batches");
        rejections = factory.CreateCounter("dsync_persistence_journal_rejections_total", "atomic writes rejected before storing (serialization)");
        waiting = factory.CreateGauge("dsync_persistence_journal_waiting_requests", "write requests queued for the next batch");
        source.BatchCommitted = OnBatch;
    }

    private void OnBatch(int writes, TimeSpan elapsed)
    {
        batchSize.Observe(writes);
        fsyncSeconds.Observe(elapsed.TotalSeconds);
    }

    public void Collect()
    {
        batches.IncTo(source.Batches);
        failedBatches.IncTo(source.FailedBatches);
        atomicWrites.IncTo(source.AtomicWrites);
        events.IncTo(source.Events);
        rejections.IncTo(source.Rejections);
        waiting.Set(source.WaitingRequests);
    }
}
