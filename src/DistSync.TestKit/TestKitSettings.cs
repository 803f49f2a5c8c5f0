using System.Globalization;

namespace DistSync.TestKit;

/// <summary>
/// Timeouts of the TestKit. Defaults are generous because tests run on loaded machines; every timeout is
/// multiplied by the environment variable <c>DSYNC_TEST_TIMEFACTOR</c> (e.g. 2.5 on a slow CI box).
/// </summary>
public static class TestKitSettings
{
    public const string TimeFactorVariable = "DSYNC_TEST_TIMEFACTOR";

    /// <summary>Default wait of ExpectMsg, FishForMessage, AwaitAssert, ExpectTerminated (before dilation).</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    public static double TimeFactor { get; } = ReadTimeFactor();

    /// <summary>The duration scaled by <see cref="TimeFactor"/>.</summary>
    public static TimeSpan Dilated(TimeSpan duration) =>
        duration == Timeout.InfiniteTimeSpan ? duration : TimeSpan.FromTicks((long)(duration.Ticks * TimeFactor));

    private static double ReadTimeFactor()
    {
        var raw = Environment.GetEnvironmentVariable(TimeFactorVariable);
        if (string.IsNullOrWhiteSpace(raw))
        {
            return 1.0;
        }

        if (!double.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) || factor <= 0)
        {
            throw new InvalidOperationException($"{TimeFactorVariable}='{raw}' is not a positive number.");
        }

        return factor;
    }
}
