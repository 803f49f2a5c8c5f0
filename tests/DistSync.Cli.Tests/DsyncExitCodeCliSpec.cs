using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary>Exit codes and usage errors: documented, distinct, and worded without .NET type names.</summary>
public class DsyncExitCodeCliSpec
{
    [Theory]
    [InlineData("--expected-version", "an integer", "kv", "put", "k", "v", "--expected-version", "abc")]
    [InlineData("--ttl", "a duration like 10s", "lock", "acquire", "r", "--ttl", "soon")]
    [InlineData("--ttl", "a duration like 10s", "session", "create", "--ttl", "x")]
    [InlineData("--wait", "a duration", "queue", "consume", "q", "--wait", "later")]
    [InlineData("--max", "an integer", "queue", "consume", "q", "--max", "many")]
    [InlineData("--priority", "an integer from 0 to 9", "queue", "produce", "q", "x", "--priority", "high")]
    [InlineData("--fence-token", "an integer", "cache", "put", "k", "v", "--fence-resource", "r", "--fence-token", "1.5")]
    [InlineData("--from", "an integer", "broadcast", "read", "t", "--from", "first")]
    [InlineData("--client-seq", "an integer", "broadcast", "publish", "t", "x", "--client-seq", "z")]
    [InlineData("--timeout", "a positive number of seconds", "status", "--timeout", "ten")]
    [InlineData("--interval", "a duration", "top", "--interval", "often")]
    public async Task A_bad_option_value_is_a_usage_error_naming_the_option_and_the_kind_it_expects(string option, string kind, params string[] args)
    {
        var (code, output, err) = await Run([.. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}"]);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains($"{option} expects {kind}", err);
        Assert.DoesNotContain("System.", err);
        Assert.DoesNotContain("`1", err);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task The_codes_are_distinct_and_help_and_help_exit_codes_print_the_table()
    {
        int[] codes = [ExitCodes.Ok, ExitCodes.Failed, ExitCodes.Usage, ExitCodes.NotFound, ExitCodes.Conflict, ExitCodes.Unavailable];
        Assert.Equal(codes.Length, codes.Distinct().Count());

        var help = await Run("--help");
        var topic = await Run("help", "exit-codes");

        Assert.Equal(0, help.Code);
        Assert.Equal(0, topic.Code);
        foreach (var code in codes)
        {
            Assert.Contains($"  {code}  ", help.Out);
            Assert.Contains($"  {code}  ", topic.Out);
        }
        Assert.Contains("conflict (409)", topic.Out);
    }

    [Fact]
    public async Task A_missing_verb_is_a_usage_error_pointing_at_help()
    {
        var (code, _, err) = await Run("lock");

        Assert.Equal(ExitCodes.Usage, code);
        Assert.Contains("dsync lock --help", err);
    }

    [Fact]
    public async Task A_refused_compare_and_set_is_a_conflict_naming_the_current_version()
    {
        await using var nodes = await LocalNodes.StartAsync(1);
        await nodes.WaitForLeaderAsync();
        var node = nodes.Address(0);
        Assert.Equal(0, (await Run("kv", "put", "k", "v", "--node", node)).Code);

        var (code, _, err) = await Run("kv", "put", "k", "w", "--expected-version", "0", "--node", node);

        Assert.Equal(ExitCodes.Conflict, code);
        Assert.Contains("version-mismatch", err);
        Assert.Matches(@"current version \d+", err);
    }
}
