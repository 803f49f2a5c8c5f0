namespace DistSync.Hocon;

/// <summary>
/// Parses HOCON duration values such as <c>200ms</c>, <c>5s</c>, <c>1m</c>, <c>2 minutes</c> or <c>1.5h</c>.
/// A bare number means milliseconds, as in the HOCON specification.
/// </summary>
public static class HoconDuration
{
    // Unit name -> length in nanoseconds. Names follow the HOCON specification (case-sensitive: "m" is minutes).
    private static readonly Dictionary<string, decimal> UnitNanos = BuildUnits();

    public static TimeSpan Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out var value))
        {
            throw new FormatException(
                $"'{text}' is not a HOCON duration (expected a number with an optional unit: ns, us, ms, s, m, h, d, e.g. '200ms', '5s', '2 minutes').");
        }

        return value;
    }

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (text is null)
        {
            return false;
        }

        if (!UnitNumber.TrySplit(text, out var number, out var unit))
        {
            return false;
        }

        decimal nanosPerUnit;
        if (unit.Length == 0)
        {
            nanosPerUnit = 1_000_000m;
        }
        else if (!UnitNanos.TryGetValue(unit, out nanosPerUnit))
        {
            return false;
        }

        try
        {
            // 1 tick = 100 ns; round to the nearest tick.
            var ticks = decimal.Round(number * nanosPerUnit / 100m, MidpointRounding.AwayFromZero);
            if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
            {
                return false;
            }

            value = TimeSpan.FromTicks((long)ticks);
            return true;
        }
        catch (OverflowException)
        {
            return false;
        }
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        void Add(decimal nanos, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, nanos);
            }
        }

        Add(1m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(1_000m, "us", "micro", "micros", "microsecond", "microseconds");
        Add(1_000_000m, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(1_000_000_000m, "s", "second", "seconds");
        Add(60_000_000_000m, "m", "minute", "minutes");
        Add(3_600_000_000_000m, "h", "hour", "hours");
        Add(86_400_000_000_000m, "d", "day", "days");
        return units;
    }
}
