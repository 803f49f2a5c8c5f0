using Prometheus;

namespace DistSync.Node.Metrics;

/// <summary>
/// .NET runtime, read on scrape: prometheus-net's process collector (<c>dotnet_collection_count_total</c>,
/// <c>process_*</c>) plus the GC and thread-pool figures it lacks. Process-wide: in-process nodes show the same values.
/// </summary>
internal sealed class RuntimeMetrics
{
    private readonly Gauge heapBytes, fragmentedBytes, pauseRatio, threads, queued;
    private readonly Counter completedItems, gcPauseSeconds, allocatedBytes, lockContentions;

    public RuntimeMetrics(CollectorRegistry registry, IMetricFactory factory)
    {
        DotNetStats.Register(registry);
        heapBytes = factory.CreateGauge("dsync_dotnet_gc_heap_bytes", "GC heap size after the last collection");
        fragmentedBytes = factory.CreateGauge("dsync_dotnet_gc_fragmented_bytes", "fragmented bytes in the GC heap after the last collection");
        pauseRatio = factory.CreateGauge("dsync_dotnet_gc_pause_ratio", "share of time paused by the GC since the process started (0..1)");
        gcPauseSeconds = factory.CreateCounter("dsync_dotnet_gc_pause_seconds_total", "time paused by the GC since the process started");
        allocatedBytes = factory.CreateCounter("dsync_dotnet_gc_allocated_bytes_total", "bytes allocated since the process started");
        threads = factory.CreateGauge("dsync_dotnet_threadpool_threads", "thread-pool threads");
        queued = factory.CreateGauge("dsync_dotnet_threadpool_queue_length", "work items queued in the thread pool");
        completedItems = factory.CreateCounter("dsync_dotnet_threadpool_completed_items_total", "work items the thread pool completed");
        lockContentions = factory.CreateCounter("dsync_dotnet_monitor_lock_contentions_total", "Monitor lock contentions since the process started");
    }

    public void Collect()
    {
        var gc = GC.GetGCMemoryInfo();
        heapBytes.Set(gc.HeapSizeBytes);
        fragmentedBytes.Set(gc.FragmentedBytes);
        pauseRatio.Set(gc.PauseTimePercentage / 100.0);
        gcPauseSeconds.IncTo(GC.GetTotalPauseDuration().TotalSeconds);
        allocatedBytes.IncTo(GC.GetTotalAllocatedBytes());
        threads.Set(ThreadPool.ThreadCount);
        queued.Set(ThreadPool.PendingWorkItemCount);
        completedItems.IncTo(ThreadPool.CompletedWorkItemCount);
        lockContentions.IncTo(Monitor.LockContentionCount);
    }
}
