namespace DistSync.Node.Tests.Metrics;

/// <summary>One alerting rule as the spec reads it from a Prometheus rules file.</summary>
internal sealed record AlertRule(string Name, string Expression, bool HasFor, bool HasSeverity, bool HasSummary, bool HasDescription);

/// <summary>
/// Reads the alerting rules of a Prometheus rules file, enough for cross-checks (promtool validates the YAML itself):
/// each <c>- alert:</c> item with its <c>expr</c> (one line or a <c>|</c> block), and whether it has <c>for</c>, a
/// <c>severity</c> label and <c>summary</c> / <c>description</c> annotations.
/// </summary>
internal static class AlertRules
{
    public static List<AlertRule> Parse(string yaml)
    {
        var rules = new List<AlertRule>();
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var t = lines[i].Trim();
            if (!t.StartsWith("- alert:", StringComparison.Ordinal)) continue;
            var name = t["- alert:".Length..].Trim();
            var indent = lines[i].IndexOf('-', StringComparison.Ordinal);
            string expr = "";
            bool hasFor = false, severity = false, summary = false, description = false;
            var j = i + 1;
            for (; j < lines.Length; j++)
            {
                var line = lines[j];
                if (line.Trim().Length == 0) continue;
                var lineIndent = line.Length - line.TrimStart().Length;
                if (lineIndent <= indent) break; // the next item or group
                var key = line.Trim();
                if (key.StartsWith("expr:", StringComparison.Ordinal))
                {
                    var rest = key["expr:".Length..].Trim();
                    if (rest is "|" or ">")
                    {
                        var block = new List<string>();
                        while (j + 1 < lines.Length && (lines[j + 1].Trim().Length == 0 || lines[j + 1].Length - lines[j + 1].TrimStart().Length > lineIndent)) block.Add(lines[++j]);
                        expr = string.Join("\n", block);
                    }
                    else
                    {
                        expr = rest;
                    }
                }
                hasFor |= key.StartsWith("for:", StringComparison.Ordinal);
                severity |= key.StartsWith("severity:", StringComparison.Ordinal);
                summary |= key.StartsWith("summary:", StringComparison.Ordinal);
                description |= key.StartsWith("description:", StringComparison.Ordinal);
            }
            rules.Add(new AlertRule(name, expr, hasFor, severity, summary, description));
            i = j - 1;
        }
        return rules;
    }
}
