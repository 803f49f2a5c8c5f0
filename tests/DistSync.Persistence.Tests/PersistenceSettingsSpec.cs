using Akka.Actor;
using DistSync.Persistence.Plugins;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Persistence.Tests;

public sealed class PersistenceSettingsSpec
{
    private static string ShippedConfigPath([System.Runtime.CompilerServices.CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "../../hocon/persistence.conf"));

    private static IConfiguration FromPairs(params (string Key, string Value)[] pairs) =>
        new ConfigurationBuilder().AddInMemoryCollection(pairs.Select(p => new KeyValuePair<string, string?>(p.Key, p.Value))).Build();

    [Fact]
    public void The_shipped_file_yields_exactly_the_coded_defaults()
    {
        var fromFile = PersistenceSettings.FromConfiguration(new ConfigurationBuilder().AddHoconFile(ShippedConfigPath()).Build());

        Assert.Equal(new PersistenceSettings(), fromFile);
    }

    [Fact]
    public void Every_key_in_the_shipped_file_has_a_comment_line_above_it()
    {
        var lines = File.ReadAllLines(ShippedConfigPath());
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line.StartsWith('#') || line.EndsWith('{') || line == "}") continue;
            Assert.True(i > 0 && lines[i - 1].Trim().StartsWith('#'), $"persistence.conf line {i + 1} '{line}' has no comment above it");
        }
    }

    [Theory]
    [InlineData("sqlite", PersistencePlugin.Sqlite)]
    [InlineData("redis", PersistencePlugin.Redis)]
    [InlineData("inmem", PersistencePlugin.InMem)]
    [InlineData(" Redis ", PersistencePlugin.Redis)]
    public void The_journal_plugin_is_picked_by_a_short_word(string word, PersistencePlugin expected)
    {
        var settings = PersistenceSettings.FromConfiguration(FromPairs(("dsync:persistence:journal:plugin", word),
            ("dsync:persistence:snapshot-store:plugin", word)));

        Assert.Equal(expected, settings.JournalPlugin);
        Assert.Equal(expected, settings.SnapshotStorePlugin);
    }

    [Fact]
    public void Node_id_and_data_directory_place_the_database_and_the_redis_keys()
    {
        var settings = PersistenceSettings.FromConfiguration(FromPairs(("dsync:node:id", "n7"), ("dsync:node:data-dir", "/var/lib/dsync/n7"),
            ("dsync:persistence:redis:key-prefix", "cluster-a"), ("dsync:persistence:sqlite:busy-timeout", "250ms")));

        Assert.Equal(Path.Combine("/var/lib/dsync/n7", "persistence.db"), settings.SqlitePath);
        Assert.Equal("cluster-a:n7", settings.RedisNodePrefix);
        Assert.Equal(TimeSpan.FromMilliseconds(250), settings.SqliteBusyTimeout);
    }

    [Theory]
    [InlineData("dsync:persistence:journal:plugin", "mysql", "sqlite | redis | inmem")]
    [InlineData("dsync:persistence:journal:max-batch-size", "0", "max-batch-size")]
    [InlineData("dsync:persistence:sqlite:file-name", "a/b.db", "file-name")]
    [InlineData("dsync:persistence:sqlite:merge-threshold", "0", "merge-threshold")]
    public void A_bad_value_is_a_clear_error_naming_the_key(string key, string value, string expectedInMessage)
    {
        var error = Assert.Throws<FormatException>(() => PersistenceSettings.FromConfiguration(FromPairs((key, value))));

        Assert.Contains(expectedInMessage, error.Message);
    }

    [Fact]
    public async Task Starting_with_sqlite_creates_the_database_under_the_node_data_directory()
    {
        using var dir = new TempDirectory();
        var settings = new PersistenceSettings { DataDirectory = Path.Combine(dir.Path, "n1") };
        var system = ActorSystem.Create("settings-spec", PersistencePlugins.Setup(settings));
        try
        {
            // the plugins start with the system, so the file is there before the first Persist
            PersistencePlugins.Start(system);
            await AwaitFileAsync(Path.Combine(dir.Path, "n1", "persistence.db"));
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task AwaitFileAsync(string path)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!File.Exists(path))
        {
            Assert.True(DateTime.UtcNow < until, $"{path} was not created");
            await Task.Delay(20);
        }
    }
}
