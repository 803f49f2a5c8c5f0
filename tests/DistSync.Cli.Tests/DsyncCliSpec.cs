using static DistSync.Cli.Tests.CliHarness;
using System.Net;
using System.Net.Sockets;

namespace DistSync.Cli.Tests;

public class DsyncCliSpec
{
    [Theory]
    [InlineData("cluster", "show")]
    [InlineData("status")]
    public async Task An_unreachable_node_gives_one_clear_error_line_and_exit_code_unavailable(params string[] verb)
    {
        var port = ClosedLoopbackPort();
        var output = new StringWriter();
        var error = new StringWriter();

        var code = await DsyncCli.RunAsync([.. verb, "--node", $"127.0.0.1:{port}", "--timeout", "5"], output, error);

        Assert.Equal(ExitCodes.Unavailable, code);
        var lines = error.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith("error: cannot reach DistSync node at 127.0.0.1:", line);
        Assert.Equal("", output.ToString());
    }

    [Fact]
    public async Task A_malformed_node_address_is_a_usage_error()
    {
        var error = new StringWriter();

        var code = await DsyncCli.RunAsync(["status", "--node", "ftp://x:1"], new StringWriter(), error);

        Assert.Equal(2, code);
        Assert.Contains("not a node address", error.ToString());
    }

    [Fact]
    public async Task Help_lists_the_verbs()
    {
        var output = new StringWriter();

        var code = await DsyncCli.RunAsync(["--help"], output, new StringWriter());

        Assert.Equal(0, code);
        Assert.Contains("cluster", output.ToString());
        Assert.Contains("status", output.ToString());
    }
}
