using Microsoft.Extensions.Configuration;

namespace DistSync.Actors.Remote.FailureDetection;

/// <summary>
/// Settings of the phi-accrual failure detector and of the heartbeating around it
/// (HOCON section <c>dsync.failure-detector</c>, defaults in hocon/remote.conf).
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

    /// <summary>A remotely watched actor counts as terminated when its node stays unreachable this long.</summary>
    public TimeSpan UnreachableDeathWatchAfter { get; init; } = TimeSpan.FromSeconds(10);

    public static FailureDetectorSettings FromConfiguration(IConfiguration? configuration)
    {
        var defaults = new FailureDetectorSettings();
        if (configuration is null)
        {
            return defaults;
        }

        var section = configuration.GetSection("dsync:failure-detector");
        var settings = new FailureDetectorSettings
        {
            Threshold = ConfigReads.GetDouble(section, "threshold", defaults.Threshold),
            HeartbeatInterval = ConfigReads.GetDuration(section, "heartbeat-interval", defaults.HeartbeatInterval),
            AcceptableHeartbeatPause = ConfigReads.GetDuration(section, "acceptable-heartbeat-pause", defaults.AcceptableHeartbeatPause),
            MinStdDeviation = ConfigReads.GetDuration(section, "min-std-deviation", defaults.MinStdDeviation),
            MaxSampleSize = ConfigReads.GetInt(section, "max-sample-size", defaults.MaxSampleSize),
            UnreachableDeathWatchAfter = ConfigReads.GetDuration(section, "unreachable-death-watch-after", defaults.UnreachableDeathWatchAfter),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (!(Threshold > 0))
        {
            throw new ArgumentException($"dsync.failure-detector.threshold must be > 0, got {Threshold}");
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"dsync.failure-detector.heartbeat-interval must be > 0, got {HeartbeatInterval}");
        }

        if (AcceptableHeartbeatPause < TimeSpan.Zero)
        {
            throw new ArgumentException($"dsync.failure-detector.acceptable-heartbeat-pause must be >= 0, got {AcceptableHeartbeatPause}");
        }

        if (MinStdDeviation <= TimeSpan.Zero)
        {
            throw new ArgumentException($"dsync.failure-detector.min-std-deviation must be > 0, got {MinStdDeviation}");
        }

        if (MaxSampleSize < 1)
        {
            throw new ArgumentException($"dsync.failure-detector.max-sample-size must be >= 1, got {MaxSampleSize}");
        }
    }
}
