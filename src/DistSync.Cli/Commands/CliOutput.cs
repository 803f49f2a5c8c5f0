using System.CommandLine;
using System.Text.Json;
using DistSync.Client;
using Spectre.Console;

namespace DistSync.Cli.Commands;

/// <summary>
/// The one place a verb's result becomes output: with <c>-o json</c> the result object (for a read, the node's
/// answer) as one line of camelCase JSON on stdout; otherwise the verb's text. Failures go to stderr as one
/// <c>error: …</c> line with an <see cref="ExitCodes"/> code.
/// </summary>
internal static class CliOutput
{
    /// <summary><c>-o json</c>, or the older per-verb <c>--json</c> flag, which means the same.</summary>
    public static bool IsJson(ParseResult parse) =>
        parse.GetValue(DsyncCli.OutputOption) == "json" ||
        (parse.CommandResult.Command.Options.Any(o => o.Name == LegacyJsonFlag) && parse.GetValue<bool>(LegacyJsonFlag));

    private const string LegacyJsonFlag = "--json";

    public static string Json<T>(T value) => JsonSerializer.Serialize(value, DistSyncJson.Options);

    /// <summary>Prints <paramref name="value"/> as JSON, or runs <paramref name="text"/>; returns <paramref name="code"/>.</summary>
    public static async Task<int> ResultAsync<T>(ParseResult parse, TextWriter output, T value, Func<TextWriter, Task> text, int code = ExitCodes.Ok)
    {
        if (IsJson(parse)) await output.WriteLineAsync(Json(value)).ConfigureAwait(false);
        else await text(output).ConfigureAwait(false);
        return code;
    }

    /// <summary>As <see cref="ResultAsync{T}(ParseResult, TextWriter, T, Func{TextWriter, Task}, int)"/> with text drawn on a Spectre console (tables).</summary>
    public static Task<int> ResultAsync<T>(ParseResult parse, TextWriter output, T value, Action<IAnsiConsole> text, int code = ExitCodes.Ok) =>
        ResultAsync(parse, output, value, o =>
        {
            text(ConsoleFor(o));
            return Task.CompletedTask;
        }, code);

    /// <summary>Text lines in text mode, nothing in JSON mode (for notes that are no result, e.g. "holding … until Ctrl-C").</summary>
    public static async Task NoteAsync(ParseResult parse, TextWriter output, string line)
    {
        if (!IsJson(parse)) await output.WriteLineAsync(line).ConfigureAwait(false);
    }

    public static async Task<int> FailAsync(ParseResult parse, int code, string message)
    {
        await parse.InvocationConfiguration.Error.WriteLineAsync("error: " + message).ConfigureAwait(false);
        return code;
    }

    /// <summary>
    /// Spectre console writing to the given writer (tests capture it; no colours when redirected). A pipe or file
    /// gets whole rows: Spectre's default of 80 columns would wrap wide tables mid-word for a reader (a script, a
    /// test) that cannot see them anyway.
    /// </summary>
    public static IAnsiConsole ConsoleFor(TextWriter output)
    {
        var terminal = output == Console.Out && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        if (!terminal) console.Profile.Width = 240;
        return console;
    }
}
