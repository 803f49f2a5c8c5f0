using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon;

/// <summary>
/// Typed reads of HOCON-style values from <see cref="IConfiguration"/>. Values are stored as written
/// ("200ms", "on", "64MiB"); these helpers interpret them. A missing or empty key yields the default;
/// a present but malformed value throws a <see cref="FormatException"/> naming the key, so a typo in a
/// config file is never silently replaced by a default.
/// </summary>
public static class ConfigurationExtensions
{
    public static TimeSpan GetDuration(this IConfiguration configuration, string key, TimeSpan defaultValue)
    {
        var raw = Raw(configuration, key);
        if (raw is null)
        {
            return defaultValue;
        }

        return HoconDuration.TryParse(raw, out var value)
            ? value
            : throw Malformed(key, raw, "a duration such as '200ms', '5s' or '1m'");
    }

    public static long GetSize(this IConfiguration configuration, string key, long defaultValue)
    {
        var raw = Raw(configuration, key);
        if (raw is null)
        {
            return defaultValue;
        }

        return HoconSize.TryParse(raw, out var value)
            ? value
            : throw Malformed(key, raw, "a size such as '512k', '64MiB' or '10MB'");
    }

    public static bool GetBool(this IConfiguration configuration, string key, bool defaultValue)
    {
        var raw = Raw(configuration, key);
        if (raw is null)
        {
            return defaultValue;
        }

        return TryParseBool(raw, out var value)
            ? value
            : throw Malformed(key, raw, "a boolean (true/false, on/off, yes/no)");
    }

    public static int GetInt(this IConfiguration configuration, string key, int defaultValue)
    {
        var raw = Raw(configuration, key);
        if (raw is null)
        {
            return defaultValue;
        }

        return int.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed(key, raw, "a whole number");
    }

    public static long GetLong(this IConfiguration configuration, string key, long defaultValue)
    {
        var raw = Raw(configuration, key);
        if (raw is null)
        {
            return defaultValue;
        }

        return long.TryParse(raw.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed(key, raw, "a whole number");
    }

    public static double GetDouble(this IConfiguration configuration, string key, double defaultValue)
    {
        var raw = Raw(configuration, key);
        if (raw is null)
        {
            return defaultValue;
        }

        return double.TryParse(raw.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Malformed(key, raw, "a number");
    }

    public static string GetString(this IConfiguration configuration, string key, string defaultValue)
    {
        return Raw(configuration, key) ?? defaultValue;
    }

    /// <summary>
    /// Values of an array key (<c>key:0</c>, <c>key:1</c>, ...) in index order; empty when absent. A plain string
    /// value is split on commas, so an environment override such as <c>"node2:4053,node3:4053"</c> works for a list.
    /// </summary>
    public static IReadOnlyList<string> GetStringList(this IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        var section = configuration.GetSection(NormalizeKey(key));
        if (section.Value is { } single)
        {
            return single.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }

        var items = new List<(int Index, string Value)>();
        foreach (var child in section.GetChildren())
        {
            if (child.Value is not null && int.TryParse(child.Key, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                items.Add((index, child.Value));
            }
        }

        items.Sort((a, b) => a.Index.CompareTo(b.Index));
        var result = new string[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            result[i] = items[i].Value;
        }

        return result;
    }

    /// <summary>HOCON booleans: true/false, on/off, yes/no (case-insensitive).</summary>
    public static bool TryParseBool(string? text, out bool value)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "true" or "on" or "yes":
                value = true;
                return true;
            case "false" or "off" or "no":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static string? Raw(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(key);
        var raw = configuration[NormalizeKey(key)];
        return string.IsNullOrWhiteSpace(raw) ? null : raw;
    }

    // Lets callers write HOCON paths ("dsync.node.id") as well as configuration keys ("dsync:node:id").
    // A key that already contains ':' is taken as written, so segments holding dots stay reachable.
    private static string NormalizeKey(string key) => key.Contains(':') ? key : key.Replace('.', ':');

    private static FormatException Malformed(string key, string raw, string expected) =>
        new($"Configuration key '{key}' has value '{raw}', which is not {expected}.");
}
