namespace DistSync.Bench;

/// <summary>
/// bench kv's watch phase: <see cref="Watchers"/> watchers of one key, <see cref="Puts"/> puts after the warm-up,
/// <see cref="Deliveries"/> events read within <see cref="Seconds"/>, percentiles of put sent -> event read (ms), and
/// over the whole run (warm-up included) the events never read, read twice, or read out of order, summed over watchers.
/// </summary>
internal sealed record KvWatchResult(int Watchers, long Puts, long Deliveries, double Seconds, long Missed, long Duplicates, long Reordered,
    double P50, double P95, double P99)
{
    public double PerSecond => Deliveries / Seconds;
}
