using System.Globalization;

namespace DistSync.Cli.Commands;

/// <summary>Durations and instants as people read them in text mode; JSON mode prints the API's milliseconds untouched.</summary>
internal static class HumanTime
{
    /// <summary><c>850ms</c>, <c>4.2s</c>, <c>10s</c>, <c>3m12s</c>, <c>2h05m</c>, <c>3d4h</c>.</summary>
    public static string Duration(TimeSpan d)
    {
        if (d < TimeSpan.Zero) return "-" + Duration(d.Negate());
        if (d < TimeSpan.FromSeconds(1)) return $"{(long)d.TotalMilliseconds}ms";
        if (d < TimeSpan.FromMinutes(1))
        {
            var tenths = Math.Floor(d.TotalSeconds * 10) / 10;
            return tenths.ToString(tenths % 1 == 0 ? "0" : "0.0", CultureInfo.InvariantCulture) + "s";
        }
        if (d < TimeSpan.FromHours(1)) return $"{(int)d.TotalMinutes}m{d.Seconds:00}s";
        if (d < TimeSpan.FromDays(1)) return $"{(int)d.TotalHours}h{d.Minutes:00}m";
        return $"{(int)d.TotalDays}d{d.Hours}h";
    }

    public static string Milliseconds(long ms) => Duration(TimeSpan.FromMilliseconds(ms));

    /// <summary>A Unix-ms instant as ISO-8601 in the local time zone, e.g. <c>2026-12-01T21:10:04.512+01:00</c>.</summary>
    public static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).ToLocalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffzzz", CultureInfo.InvariantCulture);

    /// <summary><c>held 3m12s (since 2026-…)</c> style: how long ago a Unix-ms instant was, from this machine's clock.</summary>
    public static string Ago(long unixMs, DateTimeOffset now) =>
        Duration(now - DateTimeOffset.FromUnixTimeMilliseconds(unixMs) is var d && d > TimeSpan.Zero ? d : TimeSpan.Zero);
}
