using System.Collections;
using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon;

/// <summary>
/// The node's configuration: a HOCON file, then environment variables, then command-line settings, later ones
/// winning. The rules (also in hocon/README.md):
/// <list type="bullet">
/// <item>Environment: <c>DSYNC__</c> followed by the path with <c>__</c> between segments, e.g.
/// <c>DSYNC__dsync__http__port=8081</c>. A segment written all in capitals is lower-cased and its <c>_</c>
/// become <c>-</c>: <c>DSYNC__DSYNC__REMOTE__ADVERTISED_HOST</c> is <c>dsync.remote.advertised-host</c>.</item>
/// <item>Command line: <c>--set dsync.http.port=8081</c> or <c>--dsync.http.port=8081</c>; other arguments are
/// left to the host's own parser. <c>--config FILE</c> names the file when none is passed in.</item>
/// <item>Values are literal strings; a value starting with <c>[</c> or <c>{</c> is HOCON (a whole list or object).</item>
/// </list>
/// </summary>
public static class DistSyncConfiguration
{
    public const string EnvironmentPrefix = "DSYNC__";

    /// <summary>The default configuration file, relative to the repository or install root.</summary>
    public const string DefaultConfigFile = "hocon/dsync.conf";

    /// <param name="configFile">HOCON file; when null, <c>--config FILE</c> from <paramref name="args"/>, else no file.</param>
    /// <param name="args">Command-line arguments; only the forms above are read.</param>
    /// <param name="environment">Environment variables; null means the process environment.</param>
    public static IConfigurationRoot Build(string? configFile, string[] args, IDictionary? environment = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        environment ??= Environment.GetEnvironmentVariables();
        configFile ??= ConfigFileFromArgs(args);
        var overrides = new List<HoconOverride>();
        overrides.AddRange(FromEnvironment(environment));
        overrides.AddRange(FromArgs(args));
        var source = new HoconConfigurationSource
        {
            Path = configFile,
            Environment = environment,
            Overrides = overrides,
        };
        return new ConfigurationBuilder().Add(source).Build();
    }

    /// <summary>Settings named by <c>DSYNC__</c> variables, sorted by name so the outcome never depends on enumeration order.</summary>
    public static IReadOnlyList<HoconOverride> FromEnvironment(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var names = new List<string>();
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is string name && name.StartsWith(EnvironmentPrefix, StringComparison.Ordinal) && name.Length > EnvironmentPrefix.Length)
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        var result = new List<HoconOverride>(names.Count);
        foreach (var name in names)
        {
            var segments = name[EnvironmentPrefix.Length..].Split("__");
            if (Array.Exists(segments, s => s.Length == 0))
            {
                throw new ArgumentException($"Environment variable '{name}' has an empty path segment; use {EnvironmentPrefix}section__key.");
            }

            for (var i = 0; i < segments.Length; i++)
            {
                segments[i] = NormalizeEnvironmentSegment(segments[i]);
            }

            result.Add(new HoconOverride(HoconPath.Render(segments), environment[name]?.ToString() ?? string.Empty, $"environment variable {name}"));
        }

        return result;
    }

    /// <summary>Settings given as <c>--set path=value</c> or <c>--dsync.path=value</c>, in order.</summary>
    public static IReadOnlyList<HoconOverride> FromArgs(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var result = new List<HoconOverride>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string setting;
            if (arg == "--set")
            {
                if (i + 1 >= args.Length)
                {
                    throw new ArgumentException("--set needs a setting: --set dsync.http.port=8081");
                }

                setting = args[++i];
            }
            else if (arg.StartsWith("--dsync.", StringComparison.Ordinal))
            {
                setting = arg[2..];
            }
            else
            {
                continue;
            }

            var equals = setting.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"Command-line setting '{setting}' must look like path=value, e.g. dsync.http.port=8081.");
            }

            result.Add(new HoconOverride(setting[..equals].Trim(), setting[(equals + 1)..], $"command line '{arg}'"));
        }

        return result;
    }

    private static string? ConfigFileFromArgs(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        return null;
    }

    // Shells cannot export names with '-', so SHOUTING_SNAKE segments stand for lower-case kebab keys.
    private static string NormalizeEnvironmentSegment(string segment)
    {
        foreach (var c in segment)
        {
            if (char.IsLower(c))
            {
                return segment;
            }
        }

        return segment.ToLowerInvariant().Replace('_', '-');
    }
}
