namespace DistSync.Cluster.FailureDetection;

/// <summary>
/// Phi-accrual failure detector (Hayashibara et al.), computed as Akka does: the inter-arrival times of
/// heartbeats are modelled as a normal distribution (mean + acceptable pause, std deviation floored at
/// min-std-deviation) and phi = -log10(1 - CDF(time since last heartbeat)), with the CDF taken from a
/// logistic approximation. Phi grows continuously with silence; the peer is available while phi &lt; threshold.
/// Thread-safe: heartbeats arrive on Akka.Cluster's heartbeat sender while status pages read phi. It is the
/// phi mirror of <see cref="ObservablePhiAccrualFailureDetector"/>: Akka keeps its own phi internal.
/// </summary>
public sealed class PhiAccrualFailureDetector
{
    private readonly object _gate = new();
    private readonly Func<long> _clockMs;
    private readonly HeartbeatHistory _history;
    private long? _lastHeartbeatMs;

    /// <param name="settings">threshold, pause, deviation floor, window and the first-interval estimate (the heartbeat interval)</param>
    /// <param name="clockMs">monotonic clock in milliseconds; tests inject a fake one</param>
    public PhiAccrualFailureDetector(FailureDetectorSettings settings, Func<long>? clockMs = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        _clockMs = clockMs ?? (() => Environment.TickCount64);
        _history = new HeartbeatHistory(settings.MaxSampleSize);
    }

    public FailureDetectorSettings Settings { get; }

    /// <summary>True once at least one heartbeat was recorded.</summary>
    public bool IsMonitoring
    {
        get
        {
            lock (_gate)
            {
                return _lastHeartbeatMs.HasValue;
            }
        }
    }

    /// <summary>Phi now (0 before the first heartbeat: no evidence either way).</summary>
    public double Phi => PhiAt(_clockMs());

    public bool IsAvailable => PhiAt(_clockMs()) < Settings.Threshold;

    /// <summary>Records a heartbeat arriving now.</summary>
    public void Heartbeat()
    {
        var now = _clockMs();
        lock (_gate)
        {
            if (_lastHeartbeatMs is not { } last)
            {
                // Seed the window with a guess so the first silence is judged against the configured interval:
                // two samples at mean -/+ mean/4 give that mean and std deviation, as in Akka.
                var estimate = (long)Settings.HeartbeatInterval.TotalMilliseconds;
                var deviation = estimate / 4;
                _history.Add(estimate - deviation);
                _history.Add(estimate + deviation);
            }
            else
            {
                var interval = now - last;
                // An interval measured while the peer counted as unreachable says nothing about its normal rhythm.
                if (PhiLocked(now) < Settings.Threshold)
                {
                    _history.Add(interval);
                }
            }

            _lastHeartbeatMs = now;
        }
    }

    /// <summary>Phi at the given clock reading.</summary>
    public double PhiAt(long nowMs)
    {
        lock (_gate)
        {
            return PhiLocked(nowMs);
        }
    }

    private double PhiLocked(long nowMs)
    {
        if (_lastHeartbeatMs is not { } last)
        {
            return 0.0;
        }

        var elapsed = nowMs - last;
        var mean = _history.Mean + Settings.AcceptableHeartbeatPause.TotalMilliseconds;
        var stdDeviation = Math.Max(_history.StdDeviation, Settings.MinStdDeviation.TotalMilliseconds);
        return Compute(elapsed, mean, stdDeviation);
    }

    /// <summary>
    /// Phi for a silence of <paramref name="elapsedMs"/> given the distribution; the logistic approximation
    /// of the normal CDF, 1 / (1 + e^(-y(1.5976 + 0.070566 y^2))), keeps the tail free of cancellation.
    /// </summary>
    public static double Compute(double elapsedMs, double meanMs, double stdDeviationMs)
    {
        var y = (elapsedMs - meanMs) / stdDeviationMs;
        var e = Math.Exp(-y * (1.5976 + (0.070566 * y * y)));
        return elapsedMs > meanMs
            ? -Math.Log10(e / (1.0 + e))
            : -Math.Log10(1.0 - (1.0 / (1.0 + e)));
    }
}
