using DistSync.Cluster.FailureDetection;

namespace DistSync.Cluster.Tests.FailureDetection;

/// <summary>
/// Phi on synthetic heartbeat series (steady, jittery, stopped), checked against the phi formula computed
/// here independently: phi = -log10(1 - F(t)), F the logistic approximation of the normal CDF with
/// mean = mean(intervals) + acceptable pause and sd = max(sd(intervals), min sd).
/// </summary>
public sealed class PhiAccrualFailureDetectorSpec
{
    private static readonly FailureDetectorSettings Settings = new()
    {
        Threshold = 8.0,
        HeartbeatInterval = TimeSpan.FromMilliseconds(1000),
        AcceptableHeartbeatPause = TimeSpan.FromMilliseconds(500),
        MinStdDeviation = TimeSpan.FromMilliseconds(50),
        MaxSampleSize = 1000,
    };

    private sealed class FakeClock
    {
        public long Now { get; set; } = 1_000_000;

        public long Read() => Now;
    }

    /// <summary>The formula, written out again in the form log10(1 + e^z) rather than the detector's.</summary>
    private static double ExpectedPhi(IReadOnlyList<long> intervals, FailureDetectorSettings s, double elapsedMs)
    {
        var mean = intervals.Average(i => (double)i);
        var variance = intervals.Sum(i => (i - mean) * (i - mean)) / intervals.Count;
        var sd = Math.Max(Math.Sqrt(variance), s.MinStdDeviation.TotalMilliseconds);
        var y = (elapsedMs - (mean + s.AcceptableHeartbeatPause.TotalMilliseconds)) / sd;
        // 1 - F(y) = 1 / (1 + e^z) with z = y(1.5976 + 0.070566 y^2), so phi = log10(1 + e^z).
        var z = y * (1.5976 + (0.070566 * y * y));
        return Math.Log10(1.0 + Math.Exp(z));
    }

    /// <summary>The first heartbeat seeds two samples at interval -/+ interval/4.</summary>
    private static List<long> SeedSamples(FailureDetectorSettings s)
    {
        var estimate = (long)s.HeartbeatInterval.TotalMilliseconds;
        return [estimate - (estimate / 4), estimate + (estimate / 4)];
    }

    [Fact]
    public void Phi_is_zero_and_the_peer_available_before_any_heartbeat()
    {
        var clock = new FakeClock();
        var detector = new PhiAccrualFailureDetector(Settings, clock.Read);
        clock.Now += 60_000;

        Assert.Equal(0.0, detector.Phi);
        Assert.True(detector.IsAvailable);
        Assert.False(detector.IsMonitoring);
    }

    [Fact]
    public void A_steady_series_gives_the_phi_of_the_formula_at_every_silence_length()
    {
        var clock = new FakeClock();
        var detector = new PhiAccrualFailureDetector(Settings, clock.Read);
        var intervals = SeedSamples(Settings);
        detector.Heartbeat();
        for (var i = 0; i < 30; i++)
        {
            clock.Now += 1000;
            detector.Heartbeat();
            intervals.Add(1000);
        }

        foreach (var elapsed in new[] { 0, 200, 900, 1400, 1600, 2000 })
        {
            var phi = detector.PhiAt(clock.Now + elapsed);
            var expected = ExpectedPhi(intervals, Settings, elapsed);
            Assert.True(Math.Abs(phi - expected) < 1e-6 * Math.Max(1.0, expected), $"elapsed {elapsed}: phi {phi}, formula {expected}");
        }

        Assert.True(detector.PhiAt(clock.Now + 1000) < 1.0, "one interval of silence is normal");
        Assert.True(detector.IsAvailable);
    }

    [Fact]
    public void A_jittery_series_matches_the_formula_and_rises_slower_than_a_steady_one()
    {
        var random = new Random(20240611);
        var clock = new FakeClock();
        var jittery = new PhiAccrualFailureDetector(Settings, clock.Read);
        var intervals = SeedSamples(Settings);
        jittery.Heartbeat();
        for (var i = 0; i < 200; i++)
        {
            var interval = random.Next(600, 1401);
            clock.Now += interval;
            jittery.Heartbeat();
            intervals.Add(interval);
        }

        foreach (var elapsed in new[] { 500, 1500, 2000, 2300 })
        {
            var phi = jittery.PhiAt(clock.Now + elapsed);
            var expected = ExpectedPhi(intervals, Settings, elapsed);
            Assert.True(Math.Abs(phi - expected) < 1e-6 * Math.Max(1.0, expected), $"elapsed {elapsed}: phi {phi}, formula {expected}");
        }

        var steadyClock = new FakeClock();
        var steady = new PhiAccrualFailureDetector(Settings, steadyClock.Read);
        steady.Heartbeat();
        for (var i = 0; i < 200; i++)
        {
            steadyClock.Now += 1000;
            steady.Heartbeat();
        }

        // Past the mean, a wider spread of past intervals makes the same silence less suspicious.
        Assert.True(jittery.PhiAt(clock.Now + 2000) < steady.PhiAt(steadyClock.Now + 2000));
    }

    [Fact]
    public void When_heartbeats_stop_phi_grows_without_bound_and_crosses_the_threshold()
    {
        var clock = new FakeClock();
        var detector = new PhiAccrualFailureDetector(Settings, clock.Read);
        detector.Heartbeat();
        for (var i = 0; i < 50; i++)
        {
            clock.Now += 1000;
            detector.Heartbeat();
        }

        var previous = -1.0;
        for (var elapsed = 0; elapsed <= 10_000; elapsed += 100)
        {
            var phi = detector.PhiAt(clock.Now + elapsed);
            Assert.True(phi >= previous, $"phi fell from {previous} to {phi} at {elapsed} ms");
            previous = phi;
        }

        Assert.True(detector.PhiAt(clock.Now + 1200) < Settings.Threshold, "within the acceptable pause");
        clock.Now += 5000;
        Assert.False(detector.IsAvailable, $"phi after 5 s of silence is {detector.Phi}");
        Assert.True(detector.Phi > Settings.Threshold);
    }

    [Fact]
    public void Only_the_last_max_sample_size_intervals_count()
    {
        var settings = Settings with { MaxSampleSize = 4 };
        var clock = new FakeClock();
        var detector = new PhiAccrualFailureDetector(settings, clock.Read);
        detector.Heartbeat();
        foreach (var interval in new long[] { 900, 1100, 700, 1300, 1000, 1000, 1000, 1000 })
        {
            clock.Now += interval;
            detector.Heartbeat();
        }

        var window = new List<long> { 1000, 1000, 1000, 1000 };
        var expected = ExpectedPhi(window, settings, 1700);
        Assert.Equal(expected, detector.PhiAt(clock.Now + 1700), 6);
    }

    [Fact]
    public void An_interval_spent_unreachable_does_not_enter_the_history()
    {
        var clock = new FakeClock();
        var detector = new PhiAccrualFailureDetector(Settings, clock.Read);
        var intervals = SeedSamples(Settings);
        detector.Heartbeat();
        for (var i = 0; i < 10; i++)
        {
            clock.Now += 1000;
            detector.Heartbeat();
            intervals.Add(1000);
        }

        clock.Now += 30_000; // unreachable by now
        Assert.False(detector.IsAvailable);
        detector.Heartbeat();
        Assert.True(detector.IsAvailable);

        var expected = ExpectedPhi(intervals, Settings, 1500);
        Assert.Equal(expected, detector.PhiAt(clock.Now + 1500), 6);
    }

    [Fact]
    public void The_history_reports_mean_and_population_deviation()
    {
        var history = new HeartbeatHistory(3);
        history.Add(10);
        history.Add(20);
        history.Add(30);
        history.Add(40); // evicts 10

        Assert.Equal(3, history.Count);
        Assert.Equal(30.0, history.Mean, 9);
        Assert.Equal(Math.Sqrt(200.0 / 3.0), history.StdDeviation, 9);
    }

    [Fact]
    public void Invalid_settings_are_refused_with_the_key_named()
    {
        var error = Assert.Throws<ArgumentException>(() => new PhiAccrualFailureDetector(Settings with { Threshold = 0 }));
        Assert.Contains("threshold", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new HeartbeatHistory(0));
    }
}
