using System.Collections;

namespace DistSync.Hocon;

/// <summary>
/// Loads HOCON: add files, strings and single-path overrides in order (later ones win, objects merge), then
/// <see cref="Resolve"/> once so substitutions see the complete result, overrides included.
/// </summary>
/// <example>
/// <code>
/// var config = new HoconLoader().AddFile("hocon/dsync.conf").AddValue("dsync.node.id", "n2").Resolve();
/// </code>
/// </example>
public sealed class HoconLoader
{
    private readonly HoconTreeBuilder builder = new(new HoconOrigin("<root>", 1, 1));
    private readonly Func<string, string?> environment;

    /// <param name="environment">Variables that <c>${?NAME}</c> falls back to; null means the process environment.</param>
    public HoconLoader(IDictionary? environment = null)
    {
        this.environment = environment is null
            ? Environment.GetEnvironmentVariable
            : name => environment.Contains(name) ? environment[name]?.ToString() : null;
    }

    /// <summary>Parses a whole document from a string and resolves it.</summary>
    public static HoconObject ParseString(string text, IDictionary? environment = null) =>
        new HoconLoader(environment).AddString(text).Resolve();

    /// <summary>Parses a file (and what it includes) and resolves it.</summary>
    public static HoconObject ParseFile(string path, IDictionary? environment = null) =>
        new HoconLoader(environment).AddFile(path).Resolve();

    /// <summary>Adds a file. Relative includes inside it are taken from its directory.</summary>
    /// <param name="optional">When true a missing file is skipped; otherwise it is a <see cref="FileNotFoundException"/>.</param>
    public HoconLoader AddFile(string path, bool optional = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        builder.AddFile(path, optional);
        return this;
    }

    /// <summary>Adds a document held in a string.</summary>
    /// <param name="sourceName">Name used in error messages.</param>
    /// <param name="baseDirectory">Directory for relative includes; the current directory when null.</param>
    public HoconLoader AddString(string text, string sourceName = "<string>", string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        builder.AddString(text, sourceName, baseDirectory ?? Directory.GetCurrentDirectory());
        return this;
    }

    /// <summary>
    /// Sets one path, as if <c>path = value</c> were written last. The value is taken literally as a string,
    /// except that text starting with <c>[</c> or <c>{</c> is parsed as a HOCON array or object (so an override
    /// can replace a whole list: <c>[ "a:1", "b:2" ]</c>).
    /// </summary>
    /// <param name="sourceName">Where the override came from, for error messages (e.g. "environment DSYNC__NODE__ID").</param>
    public HoconLoader AddValue(string path, string value, string sourceName = "<override>")
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(value);
        var origin = new HoconOrigin(sourceName, 1, 1);
        if (!HoconPath.TryParse(path, out var segments, out var error))
        {
            throw new HoconParseException(origin, $"'{path}' is not a valid configuration path: {error}");
        }

        var trimmed = value.TrimStart();
        var parsed = trimmed.StartsWith('[') || trimmed.StartsWith('{')
            ? HoconParser.ParseSingleValue(value, sourceName)
            : new HoconScalar(value, origin);
        builder.AddValue(segments, parsed, origin);
        return this;
    }

    /// <summary>Resolves substitutions over everything added so far and returns the plain tree.</summary>
    public HoconObject Resolve() => HoconResolver.Resolve(builder.Root, environment);
}
