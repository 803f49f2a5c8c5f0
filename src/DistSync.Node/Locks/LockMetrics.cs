using Prometheus;

namespace DistSync.Node.Locks;

/// <summary>
/// The lock service's series on this node's /metrics. <c>dsync_locks_grants_total</c>, <c>_timeouts_total</c> and
/// <c>dsync_locks_wait_seconds</c> count the acquires this node answered, so their sum over the nodes is the cluster's
/// total. Held, waiting and deadlocks are the replicated lock table's (the same on every replica, set after each lock
/// entry and on restore): held = resources with at least one holder.
/// </summary>
public sealed class LockMetrics : IDisposable
{
    private readonly Counter grants;
    private readonly Counter timeouts;
    private readonly Counter deadlocks;
    private readonly Gauge held;
    private readonly Gauge waiting;
    private readonly Histogram waitSeconds;

    public LockMetrics(IMetricFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        grants = factory.CreateCounter("dsync_locks_grants_total", "acquires answered with a grant by this node");
        timeouts = factory.CreateCounter("dsync_locks_timeouts_total", "acquires answered 409 timeout by this node");
        deadlocks = factory.CreateCounter("dsync_locks_deadlocks_total", "wait-for cycles broken by aborting the youngest transaction (replicated count)");
        held = factory.CreateGauge("dsync_locks_held", "resources held by at least one session (replicated lock table)");
        waiting = factory.CreateGauge("dsync_locks_waiting", "queued acquires (replicated lock table)");
        waitSeconds = factory.CreateHistogram("dsync_locks_wait_seconds", "time from an acquire to its grant, as this node answered it (0-wait grants included)",
            new HistogramConfiguration { Buckets = DistSync.Node.Metrics.MetricBuckets.Wait });
    }

    /// <summary>An acquire this node answered with a grant, <paramref name="waited"/> after it arrived.</summary>
    public void Granted(TimeSpan waited)
    {
        grants.Inc();
        waitSeconds.Observe(waited.TotalSeconds);
    }

    public void TimedOut() => timeouts.Inc();

    /// <summary>Set by the meta state machine after each lock entry and after a restore.</summary>
    public void TableChanged(long deadlocksTotal, int resourcesHeld, int waits)
    {
        deadlocks.IncTo(deadlocksTotal);
        held.Set(resourcesHeld);
        waiting.Set(waits);
    }

    public void Dispose()
    {
        // the series live in the node's registry, which goes with the node
    }
}
