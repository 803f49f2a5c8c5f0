using System.Runtime.CompilerServices;

namespace DistSync.Hocon.Tests;

/// <summary>The configuration files in hocon/ parse, resolve and follow the conventions of hocon/README.md.</summary>
public class ShippedConfigSpec
{
    private static readonly string HoconDir = FindHoconDir();

    private static string FindHoconDir([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "hocon"));

    private static HoconObject Load(string file) =>
        new HoconLoader(new Dictionary<string, string>()).AddFile(Path.Combine(HoconDir, file)).Resolve();

    public static TheoryData<string> ConfigFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(HoconDir, "*.conf").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ConfigFiles))]
    public void Every_config_file_parses_and_resolves(string file)
    {
        var config = Load(file);
        Assert.NotNull(config.ToConfigurationData());
    }

    [Fact]
    public void The_default_configuration_has_the_node_host_keys()
    {
        var config = Load("dsync.conf");
        Assert.Equal("n1", config.GetString("dsync.node.id"));
        Assert.Equal("data/n1", config.GetString("dsync.node.data-dir"));
        Assert.Equal("127.0.0.1", config.GetString("dsync.http.host"));
        Assert.Equal("8080", config.GetString("dsync.http.port"));
        Assert.Equal(1024 * 1024, HoconSize.Parse(config.GetString("dsync.http.max-request-body")!));
        Assert.Equal(TimeSpan.FromSeconds(5), HoconDuration.Parse(config.GetString("dsync.http.request-timeout")!));
        Assert.Equal(TimeSpan.FromSeconds(10), HoconDuration.Parse(config.GetString("dsync.node.shutdown-timeout")!));
        Assert.Equal("127.0.0.1", config.GetString("dsync.remote.host"));
        Assert.Equal("off", config.GetString("dsync.testing.fault-injection"));
        Assert.Equal("text", config.GetString("dsync.log.format"));
        Assert.Equal("information", config.GetString("dsync.log.level"));
        Assert.True(config.TryGetPath("dsync.cluster.seeds", out var seeds));
        Assert.Empty(Assert.IsType<HoconArray>(seeds));
    }

    [Fact]
    public void The_data_directory_follows_an_overridden_node_id()
    {
        var config = DistSyncConfiguration.Build(Path.Combine(HoconDir, "dsync.conf"), ["--set", "dsync.node.id=n7"], new Dictionary<string, string>());
        Assert.Equal("data/n7", config["dsync:node:data-dir"]);
    }

    [Theory]
    [InlineData("dsync.conf")]
    [InlineData("node.conf")]
    public void Every_key_has_a_comment_above_it(string file)
    {
        var path = Path.Combine(HoconDir, file);
        var lines = File.ReadAllLines(path);
        var config = new HoconLoader(new Dictionary<string, string>()).AddString(File.ReadAllText(path), path, HoconDir).Resolve();
        var missing = new List<string>();
        CheckLeaves(config, lines, path, missing);
        Assert.True(missing.Count == 0, "keys without a comment line above them: " + string.Join(", ", missing));
    }

    private static void CheckLeaves(HoconObject obj, string[] lines, string path, List<string> missing)
    {
        foreach (var key in obj.Keys)
        {
            var value = obj[key];
            if (value is HoconObject child)
            {
                CheckLeaves(child, lines, path, missing);
                continue;
            }

            if (value.Origin.File != path)
            {
                continue;
            }

            var above = value.Origin.Line >= 2 ? lines[value.Origin.Line - 2].Trim() : string.Empty;
            if (!above.StartsWith('#') && !above.StartsWith("//", StringComparison.Ordinal))
            {
                missing.Add($"{key} (line {value.Origin.Line})");
            }
        }
    }
}
