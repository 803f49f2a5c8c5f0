using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace DistSync.Cli.Commands;

/// <summary>
/// Options whose values are parsed here, so a bad value is a usage error naming the option and the kind it expects
/// ("--ttl expects a duration like 10s") instead of System.CommandLine's message naming a .NET type.
/// </summary>
internal static class CliOptions
{
    /// <summary>A duration with a default; a bare number is seconds (as <c>lock --wait 5</c>). Read it with <see cref="DurationOption.ValueOf"/>.</summary>
    public static DurationOption Duration(string name, string description, string defaultValue)
    {
        var option = new DurationOption(name, description, defaultValue);
        option.CustomParser = r => r.Tokens.Count == 0 ? null : ParseDuration(r, name, requireUnit: false);
        return option;
    }

    /// <summary>A duration that must carry its unit (the API field is in ms, a bare number would be misread either way).</summary>
    public static Option<TimeSpan?> OptionalDuration(string name, string description) =>
        new(name) { Description = description, CustomParser = r => r.Tokens.Count == 0 ? null : ParseDuration(r, name, requireUnit: true) };

    public static Option<long?> OptionalLong(string name, string description, long min = long.MinValue) =>
        new(name) { Description = description, CustomParser = r => r.Tokens.Count == 0 ? null : ParseLong(r, name, min, long.MaxValue) };

    public static Option<long> Long(string name, string description, long defaultValue, long min = long.MinValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => r.Tokens.Count == 0 ? defaultValue : ParseLong(r, name, min, long.MaxValue) ?? defaultValue,
        };

    public static Option<int?> OptionalInt(string name, string description, int min, int max) =>
        new(name) { Description = description, CustomParser = r => r.Tokens.Count == 0 ? null : (int?)ParseLong(r, name, min, max) };

    public static Option<int> Int(string name, string description, int defaultValue, int min, int max) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r => r.Tokens.Count == 0 ? defaultValue : (int?)ParseLong(r, name, min, max) ?? defaultValue,
        };

    /// <summary>A positive number of seconds (fractions allowed).</summary>
    public static Option<double> Seconds(string name, string description, double defaultValue) =>
        new(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            Recursive = true,
            CustomParser = r =>
            {
                if (r.Tokens.Count == 0) return defaultValue;
                var text = r.Tokens[^1].Value;
                if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v)) return v;
                r.AddError($"{name} expects a positive number of seconds like 10 or 2.5, got '{text}'");
                return defaultValue;
            },
        };

    private static TimeSpan? ParseDuration(ArgumentResult r, string name, bool requireUnit)
    {
        var text = r.Tokens[^1].Value;
        try
        {
            return requireUnit ? QueueCommands.ParseDurationWithUnit(text, name) : LockCommands.ParseDuration(text, name);
        }
        catch (ArgumentException)
        {
            r.AddError($"{name} expects a duration like {(requireUnit ? "500ms, 10s or 2m" : "10s, 500ms or 2m")}, got '{text}'");
            return null;
        }
    }

    private static long? ParseLong(ArgumentResult r, string name, long min, long max)
    {
        var text = r.Tokens[^1].Value;
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        var range = (min, max) switch
        {
            (long.MinValue, long.MaxValue) => "an integer",
            (_, long.MaxValue) => $"an integer of at least {min}",
            _ => $"an integer from {min} to {max}",
        };
        r.AddError($"{name} expects {range}, got '{text}'");
        return null;
    }
}
