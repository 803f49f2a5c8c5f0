using System.CommandLine;

namespace DistSync.Cli.Commands;

/// <summary>
/// A duration option with a default. The default is applied by <see cref="ValueOf"/> and named in the description
/// ("default 10s"), not through <c>DefaultValueFactory</c>, whose help text would print a TimeSpan as <c>00:00:10</c>.
/// </summary>
internal sealed class DurationOption : Option<TimeSpan?>
{
    public DurationOption(string name, string description, string defaultValue) : base(name)
    {
        Default = LockCommands.ParseDuration(defaultValue, name);
        Description = $"{description} (default {defaultValue})";
    }

    public TimeSpan Default { get; }

    public TimeSpan ValueOf(ParseResult parse) => parse.GetValue(this) ?? Default;
}
