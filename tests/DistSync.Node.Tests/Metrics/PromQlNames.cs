using System.Text.RegularExpressions;

namespace DistSync.Node.Tests.Metrics;

/// <summary>
/// The metric names a PromQL expression reads, for cross-checking alert rules and dashboards against a real /metrics:
/// identifiers that are not functions, keywords or label names (inside <c>{...}</c>, <c>by (...)</c>,
/// <c>without (...)</c>, <c>on (...)</c>, <c>ignoring (...)</c>, <c>group_left/right (...)</c>) and not in strings
/// or range durations. A histogram's <c>_bucket</c>, <c>_sum</c> and <c>_count</c> are mapped to their family by
/// <see cref="FamilyOf"/>.
/// </summary>
internal static partial class PromQlNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
        "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group", "inf", "nan",
    };

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'")]
    private static partial Regex Strings();

    [GeneratedRegex(@"\{[^}]*\}")]
    private static partial Regex Selectors();

    [GeneratedRegex(@"\[[^\]]*\]")]
    private static partial Regex Ranges();

    [GeneratedRegex(@"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)")]
    private static partial Regex Groupings();

    [GeneratedRegex(@"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(\s*\()?")]
    private static partial Regex Identifiers();

    [GeneratedRegex(@"\$\{?\w+\}?|\$__\w+")]
    private static partial Regex GrafanaVariables();

    public static IReadOnlySet<string> In(string expression)
    {
        var text = GrafanaVariables().Replace(expression, "1m");
        text = Strings().Replace(text, " ");
        text = Selectors().Replace(text, " ");
        text = Ranges().Replace(text, " ");
        text = Groupings().Replace(text, " ");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match m in Identifiers().Matches(text))
        {
            if (m.Groups[2].Success) continue; // a function call
            var id = m.Groups[1].Value;
            if (Keywords.Contains(id) || char.IsDigit(id[0])) continue;
            names.Add(id);
        }
        return names;
    }

    /// <summary>The family a sample name belongs to on <paramref name="families"/>, or null when there is none.</summary>
    public static string? FamilyOf(string name, IReadOnlyDictionary<string, Family> families)
    {
        if (families.ContainsKey(name)) return name;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && families.TryGetValue(name[..^suffix.Length], out var f) && f.Type is "histogram" or "summary")
                return f.Name;
        }
        return null;
    }
}
