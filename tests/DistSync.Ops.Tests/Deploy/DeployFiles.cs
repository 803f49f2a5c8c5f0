using System.Collections;
using System.Text.RegularExpressions;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace DistSync.Ops.Tests.Deploy;

/// <summary>
/// Reads the container and Kubernetes files for the lint specs: YAML through YamlDotNet (merge keys resolved, as
/// compose does), the Dockerfile's instructions, and a node's configuration as the image would resolve it.
/// </summary>
internal static partial class DeployFiles
{
    /// <summary>Every document of a YAML file as plain maps (string keys), lists and strings.</summary>
    public static List<object?> YamlDocuments(string relative)
    {
        using var reader = new StringReader(Repo.Read(relative));
        var parser = new MergingParser(new Parser(reader));
        var deserializer = new DeserializerBuilder().Build();
        var documents = new List<object?>();
        parser.Consume<YamlDotNet.Core.Events.StreamStart>();
        while (parser.Accept<YamlDotNet.Core.Events.DocumentStart>(out _))
            documents.Add(Normalize(deserializer.Deserialize(parser)));
        return documents;
    }

    public static Dictionary<string, object?> Yaml(string relative) => Map(YamlDocuments(relative).Single(), relative);

    private static object? Normalize(object? value) => value switch
    {
        IDictionary<object, object?> map => map.ToDictionary(kv => kv.Key.ToString()!, kv => Normalize(kv.Value)),
        IList<object?> list => list.Select(Normalize).ToList(),
        _ => value,
    };

    public static Dictionary<string, object?> Map(object? value, string what) =>
        value as Dictionary<string, object?> ?? throw new Xunit.Sdk.XunitException($"{what}: expected a mapping, found {value ?? "nothing"}");

    public static List<object?> Seq(object? value, string what) =>
        value as List<object?> ?? throw new Xunit.Sdk.XunitException($"{what}: expected a list, found {value ?? "nothing"}");

    public static string Str(object? value, string what) =>
        value as string ?? throw new Xunit.Sdk.XunitException($"{what}: expected a string, found {value ?? "nothing"}");

    /// <summary>Follows a path of mapping keys; fails naming the first missing one.</summary>
    public static object? At(object? value, string what, params string[] path)
    {
        var current = value;
        var seen = what;
        foreach (var key in path)
        {
            var map = Map(current, seen);
            seen += "." + key;
            if (!map.TryGetValue(key, out current)) throw new Xunit.Sdk.XunitException($"{seen}: missing");
        }
        return current;
    }

    public static bool Has(Dictionary<string, object?> map, string key) => map.ContainsKey(key) && map[key] is not null;

    /// <summary>A compose or Kubernetes environment: a mapping, or a list of KEY=VALUE.</summary>
    public static Dictionary<string, string> Environment(object? value)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (value)
        {
            case Dictionary<string, object?> map:
                foreach (var (k, v) in map) result[k] = v?.ToString() ?? "";
                break;
            case List<object?> list:
                foreach (var item in list.OfType<string>())
                {
                    var eq = item.IndexOf('=', StringComparison.Ordinal);
                    result[eq < 0 ? item : item[..eq]] = eq < 0 ? "" : item[(eq + 1)..];
                }
                break;
        }
        return result;
    }

    // ---- Dockerfile ---------------------------------------------------------------------------------------------

    /// <summary>The Dockerfile's instructions (continuation lines joined, comments dropped) as (keyword, rest).</summary>
    public static List<(string Keyword, string Args)> DockerfileInstructions(string relative = "docker/Dockerfile")
    {
        var result = new List<(string, string)>();
        var pending = "";
        foreach (var raw in Repo.Read(relative).Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0)) continue;
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var full = (pending + line).Trim();
            pending = "";
            var space = full.IndexOf(' ', StringComparison.Ordinal);
            result.Add((full[..space].ToUpperInvariant(), full[(space + 1)..].Trim()));
        }
        return result;
    }

    [GeneratedRegex(@"^\[(.*)\]$", RegexOptions.Singleline)]
    private static partial Regex JsonArray();

    /// <summary>The exec-form array of ENTRYPOINT/CMD/HEALTHCHECK CMD.</summary>
    public static string[] ExecForm(string args) =>
        JsonArray().IsMatch(args.Trim())
            ? System.Text.Json.JsonSerializer.Deserialize<string[]>(args.Trim())!
            : throw new Xunit.Sdk.XunitException($"not in exec form (a JSON array): {args}");

    /// <summary>
    /// The configuration a container of the image resolves: the image's /app/hocon (the repository's hocon/*.conf plus
    /// what the Dockerfile copies there), the file named by <paramref name="configArgs"/>' --config, and the given
    /// environment (DSYNC__ variables). Extra files (a ConfigMap's) land in the directories they are mounted at.
    /// </summary>
    public static IConfiguration ResolveNodeConfig(IReadOnlyList<string> configArgs, IDictionary environment,
        IReadOnlyDictionary<string, string>? mountedFiles = null)
    {
        var config = configArgs.SkipWhile(a => a != "--config").Skip(1).FirstOrDefault()
            ?? throw new Xunit.Sdk.XunitException("no --config FILE in " + string.Join(' ', configArgs));
        var image = Path.Combine(Path.GetTempPath(), "dsync-image-" + Guid.NewGuid().ToString("N"));
        try
        {
            var appHocon = Path.Combine(image, "app", "hocon");
            Directory.CreateDirectory(appHocon);
            foreach (var (keyword, args) in DockerfileInstructions().Where(i => i.Keyword == "COPY" && !i.Args.StartsWith("--from", StringComparison.Ordinal)))
            {
                var parts = args.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var (source, target) = (parts[0], parts[^1]);
                if (target == "/app/hocon")
                    foreach (var conf in Directory.GetFiles(Repo.PathOf(source), "*.conf")) File.Copy(conf, Path.Combine(appHocon, Path.GetFileName(conf)));
                else if (target.StartsWith("/app/hocon/", StringComparison.Ordinal))
                    File.Copy(Repo.PathOf(source), InImage(image, target), overwrite: true);
            }
            foreach (var (path, text) in mountedFiles ?? new Dictionary<string, string>())
            {
                Directory.CreateDirectory(Path.GetDirectoryName(InImage(image, path))!);
                File.WriteAllText(InImage(image, path), text);
            }
            var file = InImage(image, config);
            if (!File.Exists(file)) throw new Xunit.Sdk.XunitException($"--config {config}: no such file in the image (Dockerfile COPY or mount)");
            // Materialize: the temporary image is deleted below.
            var resolved = DistSyncConfiguration.Build(file, [], environment);
            return new ConfigurationBuilder().AddInMemoryCollection(resolved.AsEnumerable()).Build();
        }
        finally
        {
            Directory.Delete(image, recursive: true);
        }
    }

    private static string InImage(string image, string absolute) => Path.Combine(image, absolute.TrimStart('/'));

    /// <summary>"host:port" split; fails on anything else.</summary>
    public static (string Host, int Port) HostPort(string text, string what)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text[(colon + 1)..], out var port)) throw new Xunit.Sdk.XunitException($"{what}: '{text}' is not host:port");
        return (text[..colon], port);
    }
}
