namespace DistSync.Node.Metrics;

/// <summary>Histogram buckets shared by the node's metrics, in base units (seconds, counts).</summary>
internal static class MetricBuckets
{
    /// <summary>Request and commit latencies: 0.5 ms to 10 s.</summary>
    public static readonly double[] Seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>fsync latencies: 0.1 ms to 2.5 s (a healthy SSD fsync is well under 10 ms).</summary>
    public static readonly double[] Fsync = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

    /// <summary>Lock waits: 1 ms to 5 min (waits are bounded by waitMs, up to an hour).</summary>
    public static readonly double[] Wait = [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300];

    /// <summary>Batch sizes (entries or writes per fsync): 1 to 4096.</summary>
    public static readonly double[] BatchSize = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096];
}
