using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Cluster.FailureDetection;

/// <summary>
/// Settings of the phi-accrual failure detector (HOCON section <c>dsync.failure-detector</c>, defaults in
/// hocon/remote.conf). <see cref="Hosting.AkkaConfig"/> renders them as <c>akka.cluster.failure-detector.*</c>, and
/// <see cref="ObservablePhiAccrualFailureDetector"/> reads them back from there for its phi mirror, so Akka and the
/// mirror always judge with the same numbers.
/// </summary>
public sealed record FailureDetectorSettings
{
    /// <summary>Phi above which a peer counts as unreachable.</summary>
    public double Threshold { get; init; } = 8.0;

    /// <summary>How often a heartbeat is sent to each monitored peer.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Pause tolerated on top of the observed intervals (GC, load) before phi rises.</summary>
    public TimeSpan AcceptableHeartbeatPause { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Floor of the standard deviation, so a very regular history does not make phi explode.</summary>
    public TimeSpan MinStdDeviation { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Number of inter-arrival intervals kept.</summary>
    public int MaxSampleSize { get; init; } = 1000;

    /// <summary>Reads <c>dsync.failure-detector.*</c>; a missing key keeps its default. The old
    /// <c>unreachable-death-watch-after</c> key is ignored: under Akka.Cluster a remote watch ends only when the member is
    /// removed, which Raft decides.</summary>
    public static FailureDetectorSettings FromConfiguration(IConfiguration? configuration)
    {
        var defaults = new FailureDetectorSettings();
        if (configuration is null) return defaults;
        var settings = new FailureDetectorSettings
        {
            Threshold = configuration.GetDouble("dsync.failure-detector.threshold", defaults.Threshold),
            HeartbeatInterval = configuration.GetDuration("dsync.failure-detector.heartbeat-interval", defaults.HeartbeatInterval),
            AcceptableHeartbeatPause = configuration.GetDuration("dsync.failure-detector.acceptable-heartbeat-pause", defaults.AcceptableHeartbeatPause),
            MinStdDeviation = configuration.GetDuration("dsync.failure-detector.min-std-deviation", defaults.MinStdDeviation),
            MaxSampleSize = configuration.GetInt("dsync.failure-detector.max-sample-size", defaults.MaxSampleSize),
        };
        settings.Validate();
        return settings;
    }

    /// <summary>Reads the detector block Akka hands to a failure detector (<c>akka.cluster.failure-detector</c>).</summary>
    public static FailureDetectorSettings FromAkkaConfig(Akka.Configuration.Config config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var settings = new FailureDetectorSettings
        {
            Threshold = config.GetDouble("threshold"),
            HeartbeatInterval = config.GetTimeSpan("heartbeat-interval"),
            AcceptableHeartbeatPause = config.GetTimeSpan("acceptable-heartbeat-pause"),
            MinStdDeviation = config.GetTimeSpan("min-std-deviation"),
            MaxSampleSize = config.GetInt("max-sample-size"),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (!(Threshold > 0)) throw new ArgumentException($"dsync.failure-detector.threshold must be > 0, got {Threshold}");
        if (HeartbeatInterval <= TimeSpan.Zero) throw new ArgumentException($"dsync.failure-detector.heartbeat-interval must be > 0, got {HeartbeatInterval}");
        if (AcceptableHeartbeatPause < TimeSpan.Zero) throw new ArgumentException($"dsync.failure-detector.acceptable-heartbeat-pause must be >= 0, got {AcceptableHeartbeatPause}");
        if (MinStdDeviation <= TimeSpan.Zero) throw new ArgumentException($"dsync.failure-detector.min-std-deviation must be > 0, got {MinStdDeviation}");
        if (MaxSampleSize < 1) throw new ArgumentException($"dsync.failure-detector.max-sample-size must be >= 1, got {MaxSampleSize}");
    }
}
