using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace DistSync.Cli;

/// <summary><c>dsync --help</c>: the usual help, and for the root command the exit-code table below it (System.CommandLine has no epilog).</summary>
internal sealed class ExitCodesHelpAction(HelpAction inner) : SynchronousCommandLineAction
{
    public override int Invoke(ParseResult parseResult)
    {
        var code = inner.Invoke(parseResult);
        if (parseResult.CommandResult.Command is RootCommand)
        {
            var output = parseResult.InvocationConfiguration.Output;
            output.WriteLine();
            output.WriteLine(ExitCodes.Table);
        }
        return code;
    }
}
