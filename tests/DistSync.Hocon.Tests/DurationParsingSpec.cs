namespace DistSync.Hocon.Tests;

public class DurationParsingSpec
{
    [Theory]
    [InlineData("200ms", 200 * TimeSpan.TicksPerMillisecond)]
    [InlineData("5s", 5 * TimeSpan.TicksPerSecond)]
    [InlineData("1m", TimeSpan.TicksPerMinute)]
    [InlineData("2 minutes", 2 * TimeSpan.TicksPerMinute)]
    [InlineData("1.5h", 90 * TimeSpan.TicksPerMinute)]
    [InlineData("3d", 3 * TimeSpan.TicksPerDay)]
    [InlineData("1 day", TimeSpan.TicksPerDay)]
    [InlineData("250", 250 * TimeSpan.TicksPerMillisecond)]
    [InlineData("10us", 100)]
    [InlineData("7 microseconds", 70)]
    [InlineData("500ns", 5)]
    [InlineData("1 second", TimeSpan.TicksPerSecond)]
    [InlineData("30 seconds", 30 * TimeSpan.TicksPerSecond)]
    [InlineData("100 millis", 100 * TimeSpan.TicksPerMillisecond)]
    [InlineData("4 hours", 4 * TimeSpan.TicksPerHour)]
    [InlineData("  42ms  ", 42 * TimeSpan.TicksPerMillisecond)]
    [InlineData("0s", 0)]
    [InlineData("-1s", -TimeSpan.TicksPerSecond)]
    public void Durations_parse_with_hocon_units(string text, long ticks)
    {
        Assert.Equal(TimeSpan.FromTicks(ticks), HoconDuration.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ms")]
    [InlineData("5 fortnights")]
    [InlineData("5M")]
    [InlineData("5 S")]
    [InlineData("1.2.3s")]
    [InlineData("99999999999999d")]
    public void Malformed_durations_are_refused(string text)
    {
        Assert.False(HoconDuration.TryParse(text, out _));
        var error = Assert.Throws<FormatException>(() => HoconDuration.Parse(text));
        Assert.Contains("not a HOCON duration", error.Message);
    }
}
