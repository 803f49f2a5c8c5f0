using System.Diagnostics;
using static DistSync.Cli.Tests.CliHarness;

namespace DistSync.Cli.Tests;

/// <summary><c>dsync completion bash</c>: the script, sourced in a real bash, completes from COMP_WORDS.</summary>
public class DsyncCompletionCliSpec
{
    [Theory]
    [InlineData("lock", "dsync", "lo")]
    [InlineData("acquire", "dsync", "lock", "ac")]
    [InlineData("exit-codes", "dsync", "help", "ex")]
    [InlineData("json text", "dsync", "status", "-o", "")]
    [InlineData("--shared --session", "dsync", "--node", "h:1", "lock", "acquire", "r", "--s")]
    public async Task Bash_completes_the_last_word_from_the_command_tree(string expected, params string[] words)
    {
        var (code, script, err) = await Run("completion", "bash");
        Assert.True(code == 0, err);
        var file = Path.GetTempFileName();
        await File.WriteAllTextAsync(file, script);
        try
        {
            var line = string.Join(' ', words.Select(w => $"'{w}'"));
            var (exit, output) = await BashAsync(
                $"source '{file}'; complete -p dsync; COMP_WORDS=({line}); COMP_CWORD={words.Length - 1}; _dsync; echo \"[${{COMPREPLY[*]}}]\"");

            Assert.Equal(0, exit);
            Assert.Contains("complete -F _dsync dsync", output);
            Assert.Contains($"[{expected}]", output);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int Exit, string Output)> BashAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var bash = Process.Start(start)!;
        var output = await bash.StandardOutput.ReadToEndAsync();
        var error = await bash.StandardError.ReadToEndAsync();
        await bash.WaitForExitAsync();
        return (bash.ExitCode, output + error);
    }
}
