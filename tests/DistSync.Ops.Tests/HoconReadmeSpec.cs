using System.Text.RegularExpressions;
using DistSync.Hocon;

namespace DistSync.Ops.Tests;

/// <summary>Every configuration key hocon/README.md names exists in one of the shipped hocon/*.conf files.</summary>
public partial class HoconReadmeSpec
{
    // dsync.a.b, dsync.a.*, dsync.remote.host/port, dsync:a:b (IConfiguration form); DSYNC__dsync__a__b (environment form)
    [GeneratedRegex(@"(?<![\w-])dsync(?:[.:](?:[a-z0-9-]+(?:/[a-z0-9-]+)*|\*))+")]
    private static partial Regex PathPattern();

    [GeneratedRegex(@"DSYNC__([A-Za-z0-9_-]+(?:__[A-Za-z0-9_-]+)+)")]
    private static partial Regex EnvironmentPattern();

    [Fact]
    public void Every_key_the_README_names_exists_in_a_shipped_conf_file()
    {
        var readme = Repo.Read("hocon/README.md");
        var trees = Directory.GetFiles(Repo.PathOf("hocon"), "*.conf").Select(f => HoconLoader.ParseFile(f, new Dictionary<string, string>())).ToList();
        var named = NamedPaths(readme).ToList();
        Assert.Contains("dsync.remote.public-hostname", named); // the scan sees the environment examples too

        var missing = named.Where(path => !trees.Any(t => Exists(t, path))).Distinct().ToList();
        Assert.True(missing.Count == 0, "hocon/README.md names keys no hocon/*.conf has: " + string.Join(", ", missing));
    }

    [Fact]
    public void The_check_itself_rejects_a_key_that_does_not_exist()
    {
        var trees = new[] { HoconLoader.ParseFile(Repo.PathOf("hocon/node.conf"), new Dictionary<string, string>()) };
        var named = NamedPaths("`DSYNC__dsync__remote__advertised-host=node1` and `dsync.http.port`").ToList();
        Assert.Equal(["dsync.remote.advertised-host", "dsync.http.port"], named);
        Assert.False(Exists(trees[0], named[0]));
        Assert.True(Exists(trees[0], named[1]));
    }

    private static IEnumerable<string> NamedPaths(string text)
    {
        foreach (Match m in EnvironmentPattern().Matches(text))
        {
            // as DistSyncConfiguration maps them: an all-capitals segment is lower-cased and '_' becomes '-'
            var segments = m.Groups[1].Value.Split("__").Select(s => s == s.ToUpperInvariant() ? s.ToLowerInvariant().Replace('_', '-') : s);
            yield return string.Join('.', segments);
        }
        foreach (Match m in PathPattern().Matches(text))
        {
            var path = m.Value.Replace(':', '.');
            if (path.EndsWith(".conf", StringComparison.Ordinal)) continue; // a file name (dsync.conf), not a key
            var slash = path.LastIndexOf('/');
            if (slash < 0)
            {
                yield return path;
                continue;
            }
            // dsync.remote.host/port names dsync.remote.host and dsync.remote.port
            var dot = path.LastIndexOf('.', slash);
            foreach (var last in path[(dot + 1)..].Split('/')) yield return path[..(dot + 1)] + last;
        }
    }

    private static bool Exists(HoconObject tree, string path)
    {
        if (path.EndsWith(".*", StringComparison.Ordinal)) return tree.TryGetPath(path[..^2], out var o) && o is HoconObject;
        return tree.TryGetPath(path, out _);
    }
}
