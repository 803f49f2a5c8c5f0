using System.Diagnostics;
using DistSync.Node.Tests.Metrics;

namespace DistSync.Node.Tests.Deploy;

/// <summary>deploy/prometheus/alerts.yml: valid for promtool, its unit tests pass, and every metric it reads exists on a
/// real node's /metrics (a typo in a name would make an alert that can never fire).</summary>
[Collection(ScrapedClusterCollection.Name)]
public class AlertRulesSpec(ScrapedCluster node)
{
    private const string Rules = "deploy/prometheus/alerts.yml";

    // Series Prometheus makes itself for every target, not exported by a node.
    private static readonly HashSet<string> ScrapeSeries = new(StringComparer.Ordinal) { "up" };

    [Fact]
    public void Promtool_checks_the_rules()
    {
        var (code, output) = Promtool("check", "rules", Rules);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Promtool_unit_tests_of_the_rules_pass()
    {
        var (code, output) = Promtool("test", "rules", "deploy/prometheus/alerts.test.yml");
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_alert_is_complete_and_reads_only_metrics_a_node_exports()
    {
        var alerts = AlertRules.Parse(File.ReadAllText(RepoFiles.PathOf(Rules)));
        var expected = new[] { "NodeDown", "NoLeader", "LeaderFlapping", "LockWaitP99High", "DeadlocksRising", "QueueBacklogGrowing", "DeadLetters", "CacheHitRateLow", "FsyncSlow" };
        foreach (var name in expected) Assert.Contains(alerts, a => a.Name == "Dsync" + name);
        foreach (var alert in alerts)
        {
            Assert.True(alert.HasFor && alert.HasSeverity && alert.HasSummary && alert.HasDescription, $"{alert.Name} lacks for, severity, summary or description");
            var names = PromQlNames.In(alert.Expression);
            Assert.NotEmpty(names);
            foreach (var metric in names.Where(n => !ScrapeSeries.Contains(n)))
                Assert.True(PromQlNames.FamilyOf(metric, node.After) is not null, $"{alert.Name} reads {metric}, which /metrics does not export");
        }
    }

    private static (int Code, string Output) Promtool(params string[] args)
    {
        var start = new ProcessStartInfo("promtool") { WorkingDirectory = RepoFiles.Root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException("promtool did not start (Debian package prometheus; build.sh test installs it)");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "promtool did not finish within 60 s");
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
