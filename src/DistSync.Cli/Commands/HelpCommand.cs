using System.CommandLine;

namespace DistSync.Cli.Commands;

/// <summary><c>dsync help exit-codes</c>: what each exit code means.</summary>
public static class HelpCommand
{
    public static Command Build(TextWriter output)
    {
        var help = new Command("help", "reference topics beyond --help");
        var exitCodes = new Command("exit-codes", "what each exit code of dsync means");
        exitCodes.SetAction(async (parse, ct) =>
        {
            await output.WriteLineAsync(ExitCodes.Table).ConfigureAwait(false);
            return ExitCodes.Ok;
        });
        help.Subcommands.Add(exitCodes);
        return help;
    }
}
