using System.Globalization;
using System.Text.RegularExpressions;

namespace DistSync.Node.Tests.Metrics;

/// <summary>One sample line: <c>name{labels} value</c>.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>A metric family: its <c># TYPE</c> and the samples that belong to it (a histogram's _bucket/_sum/_count).</summary>
internal sealed record Family(string Name, string Type, List<Sample> Samples);

/// <summary>
/// A strict reader of the Prometheus text exposition format 0.0.4, for specs: every line is a comment (<c># HELP</c>,
/// <c># TYPE</c>) or a sample <c>name{label="value",...} value</c>; every sample belongs to a family declared by a
/// <c># TYPE</c> before it. A line that breaks either rule throws <see cref="FormatException"/> naming it.
/// </summary>
internal static partial class Exposition
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    [GeneratedRegex("""^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*,?)?\})? (\S+)( -?\d+)?$""")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"([a-zA-Z_][a-zA-Z0-9_]*)=""((?:[^""\\\n]|\\.)*)""")]
    private static partial Regex LabelPair();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")]
    private static partial Regex MetricName();

    public static IReadOnlyDictionary<string, Family> Parse(string text)
    {
        var families = new Dictionary<string, Family>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNo++;
            if (line.Length == 0) continue;
            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line.Split(' ');
                if (parts.Length != 4 || !MetricName().IsMatch(parts[2]) || !Types.Contains(parts[3]))
                    throw new FormatException($"line {lineNo}: bad TYPE line: {line}");
                if (!families.TryAdd(parts[2], new Family(parts[2], parts[3], [])))
                    throw new FormatException($"line {lineNo}: family {parts[2]} declared twice");
                continue;
            }
            if (line.StartsWith('#')) continue; // HELP and other comments
            var m = SampleLine().Match(line);
            if (!m.Success) throw new FormatException($"line {lineNo}: not a sample line: {line}");
            var name = m.Groups[1].Value;
            var labels = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match pair in LabelPair().Matches(m.Groups[2].Value))
            {
                if (!labels.TryAdd(pair.Groups[1].Value, Unescape(pair.Groups[2].Value)))
                    throw new FormatException($"line {lineNo}: label {pair.Groups[1].Value} twice: {line}");
            }
            var family = FamilyOf(families, name)
                ?? throw new FormatException($"line {lineNo}: sample {name} has no # TYPE before it");
            family.Samples.Add(new Sample(name, labels, ParseValue(m.Groups[3].Value, lineNo)));
        }
        return families;
    }

    /// <summary>The value of the one sample of <paramref name="name"/> whose labels include <paramref name="labels"/>
    /// (0 when the family has no such sample yet); several matches are summed.</summary>
    public static double Value(IReadOnlyDictionary<string, Family> families, string name, params (string Key, string Value)[] labels)
    {
        var family = FamilyOf(families, name);
        if (family is null) return 0;
        return family.Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);
    }

    private static Family? FamilyOf(IReadOnlyDictionary<string, Family> families, string sampleName)
    {
        if (families.TryGetValue(sampleName, out var f)) return f;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal)
                && families.TryGetValue(sampleName[..^suffix.Length], out var h) && h.Type is "histogram" or "summary")
                return h;
        }
        return null;
    }

    private static double ParseValue(string text, int lineNo) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new FormatException($"line {lineNo}: bad value {text}"),
    };

    private static string Unescape(string value) =>
        value.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal).Replace("\\\\", "\\", StringComparison.Ordinal);
}
