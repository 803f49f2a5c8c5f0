namespace DistSync.Cluster.FailureDetection;

/// <summary>
/// A bounded window of heartbeat inter-arrival intervals (milliseconds) with running sums, so the
/// mean and variance cost O(1) per heartbeat. Not thread-safe: the owning detector serialises access.
/// </summary>
public sealed class HeartbeatHistory
{
    private readonly long[] _intervals;
    private int _start;
    private int _count;
    private double _sum;
    private double _squaredSum;

    public HeartbeatHistory(int maxSampleSize)
    {
        if (maxSampleSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(maxSampleSize), maxSampleSize, "max-sample-size must be at least 1");
        }

        _intervals = new long[maxSampleSize];
    }

    public int MaxSampleSize => _intervals.Length;

    public int Count => _count;

    public double Mean => _count == 0 ? 0.0 : _sum / _count;

    /// <summary>Population variance of the window (as Akka computes it).</summary>
    public double Variance
    {
        get
        {
            if (_count == 0)
            {
                return 0.0;
            }

            var mean = Mean;
            // Rounding can push the difference a hair below zero for constant series.
            return Math.Max(0.0, (_squaredSum / _count) - (mean * mean));
        }
    }

    public double StdDeviation => Math.Sqrt(Variance);

    /// <summary>Adds an interval; when the window is full the oldest interval leaves it.</summary>
    public void Add(long intervalMs)
    {
        if (_count == _intervals.Length)
        {
            var oldest = _intervals[_start];
            _sum -= oldest;
            _squaredSum -= (double)oldest * oldest;
            _intervals[_start] = intervalMs;
            _start = (_start + 1) % _intervals.Length;
        }
        else
        {
            _intervals[(_start + _count) % _intervals.Length] = intervalMs;
            _count++;
        }

        _sum += intervalMs;
        _squaredSum += (double)intervalMs * intervalMs;
    }
}
