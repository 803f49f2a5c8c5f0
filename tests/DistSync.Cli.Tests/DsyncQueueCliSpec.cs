using static DistSync.Cli.Tests.CliHarness;
using System.Net;
using System.Net.Sockets;
using DistSync.Cli.Commands;
using DistSync.Client.Contracts;

namespace DistSync.Cli.Tests;

/// <summary>The queue verbs' parsing, usage errors and line format: no node needed.</summary>
public class DsyncQueueCliSpec
{
    [Fact]
    public async Task Help_lists_the_queue_verbs()
    {
        var (code, output, _) = await Run("queue", "--help");

        Assert.Equal(0, code);
        foreach (var verb in new[] { "produce", "consume", "ack", "nack", "stats", "list" }) Assert.Contains(verb, output);
        Assert.Contains("queue", (await Run("--help")).Out);
    }

    [Theory]
    [InlineData("--wait", "consume", "q", "--wait", "500")]
    [InlineData("--visibility", "consume", "q", "--visibility", "soon")]
    [InlineData("max", "consume", "q", "--max", "0")]
    [InlineData("max", "consume", "q", "--max", "1001")]
    [InlineData("--delay", "nack", "q", "r-1", "--delay", "10")]
    [InlineData("--fence-resource", "produce", "q", "x", "--fence-token", "3")]
    [InlineData("--fence-token", "produce", "q", "x", "--fence-resource", "leader")]
    [InlineData("fencing token", "produce", "q", "x", "--fence-resource", "leader", "--fence-token", "0")]
    [InlineData("priority", "produce", "q", "x", "--priority", "10")]
    [InlineData("key", "produce", "q", "x", "--key", "")]
    [InlineData("queue", "stats", "")]
    public async Task Bad_input_is_a_usage_error_naming_it_before_any_request(string named, params string[] args)
    {
        // Nothing listens on this port: a request would end in exit code 5 (unavailable), not 2.
        var (code, output, err) = await Run(["queue", .. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}"]);

        Assert.Equal(2, code);
        Assert.Contains(named, err);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("ack", "q")]
    [InlineData("nack", "q")]
    [InlineData("produce", "q")]
    [InlineData("consume")]
    public async Task A_missing_argument_is_refused(params string[] args)
    {
        var (code, _, err) = await Run(["queue", .. args, "--node", "127.0.0.1:1"]);

        Assert.NotEqual(0, code);
        Assert.Contains("argument", err, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("produce", "q", "x")]
    [InlineData("consume", "q")]
    [InlineData("consume", "q", "--wait", "1s", "--ack", "--json")]
    [InlineData("ack", "q", "r-1", "r-2")]
    [InlineData("nack", "q", "r-1", "--delay", "2s")]
    [InlineData("stats", "q")]
    [InlineData("list")]
    public async Task An_unreachable_node_gives_one_clear_error_line_and_exit_code_unavailable(params string[] args)
    {
        var (code, output, err) = await Run(["queue", .. args, "--node", $"127.0.0.1:{ClosedLoopbackPort()}", "--timeout", "5"]);

        Assert.Equal(ExitCodes.Unavailable, code);
        var line = Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: cannot reach DistSync node at 127.0.0.1:", line);
        Assert.Equal("", output);
    }

    [Fact]
    public void A_consumed_message_is_one_tab_separated_line_with_its_separators_escaped()
    {
        Assert.Equal("m-1\t2\tk\thello\tr-1", QueueCommands.FormatLine(new ConsumedMessage("m-1", "r-1", "hello", "k", 0, 2)));
        Assert.Equal("m-2\t1\t-\ta\\tb\\nc\\\\d\\r\tr-2", QueueCommands.FormatLine(new ConsumedMessage("m-2", "r-2", "a\tb\nc\\d\r", null, 9, 1)));
        Assert.Equal("m-3\t1\tk\\t1\t\tr-3", QueueCommands.FormatLine(new ConsumedMessage("m-3", "r-3", "", "k\t1", 0, 1)));
    }

    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("30s", 30_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("0s", 0)]
    public void Queue_durations_take_a_unit(string text, long ms) =>
        Assert.Equal(TimeSpan.FromMilliseconds(ms), QueueCommands.ParseDurationWithUnit(text, "--wait"));

    [Theory]
    [InlineData("500")]
    [InlineData("")]
    [InlineData("5h")]
    [InlineData("-1s")]
    public void A_duration_without_a_known_unit_is_refused(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => QueueCommands.ParseDurationWithUnit(text, "--visibility"));
        Assert.Contains("--visibility", e.Message);
    }
}
