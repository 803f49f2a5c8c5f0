using Akka.Configuration;
using DistSync.Persistence.Plugins;
using DistSync.Persistence.Serialization;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>The HOCON <see cref="PersistencePlugins.Config"/> renders from <see cref="PersistenceSettings"/>.</summary>
public sealed class PersistencePluginsConfigSpec
{
    [Fact]
    public void Renders_both_plugins_as_the_defaults_started_at_boot_with_the_settings_engines()
    {
        var settings = new PersistenceSettings
        {
            NodeId = "n1",
            DataDirectory = "/var/lib/dsync \"quoted\"",
            JournalPlugin = PersistencePlugin.Redis,
            SnapshotStorePlugin = PersistencePlugin.Sqlite,
            RedisConfiguration = "10.0.0.1:6379,password=a,b",
            MaxBatchSize = 512,
            SqliteBusyTimeout = TimeSpan.FromSeconds(7),
        };

        var config = ConfigurationFactory.ParseString(PersistencePlugins.Config(settings));

        Assert.Equal(PersistencePlugins.JournalId, config.GetString("akka.persistence.journal.plugin"));
        Assert.Equal(PersistencePlugins.SnapshotStoreId, config.GetString("akka.persistence.snapshot-store.plugin"));
        Assert.Equal(new[] { PersistencePlugins.JournalId }, config.GetStringList("akka.persistence.journal.auto-start-journals"));
        Assert.Equal(new[] { PersistencePlugins.SnapshotStoreId }, config.GetStringList("akka.persistence.snapshot-store.auto-start-snapshot-stores"));
        var journal = config.GetConfig(PersistencePlugins.JournalId);
        Assert.Equal("DistSync.Persistence.Plugins.DistSyncJournal, DistSync.Persistence", journal.GetString("class"));
        Assert.Equal("redis", journal.GetString("engine"));
        Assert.Equal(512, journal.GetInt("max-batch-size"));
        Assert.Equal("off", journal.GetString("replay-filter.mode"));
        Assert.Equal(TimeSpan.FromSeconds(30), journal.GetTimeSpan("circuit-breaker.call-timeout"));
        Assert.Equal("10.0.0.1:6379,password=a,b", journal.GetString("redis.configuration"));
        Assert.Equal("dsync:n1", journal.GetString("redis.node-prefix"));
        var snapshots = config.GetConfig(PersistencePlugins.SnapshotStoreId);
        Assert.Equal("DistSync.Persistence.Plugins.DistSyncSnapshotStore, DistSync.Persistence", snapshots.GetString("class"));
        Assert.Equal("sqlite", snapshots.GetString("engine"));
        Assert.Equal(Path.GetFullPath(Path.Combine("/var/lib/dsync \"quoted\"", "persistence.db")), snapshots.GetString("sqlite.path"));
        Assert.Equal(TimeSpan.FromSeconds(7), snapshots.GetTimeSpan("sqlite.busy-timeout"));
    }

    [Fact]
    public void Binds_every_registered_type_except_the_built_ins_to_dsync_event()
    {
        var registry = PersistenceSerializerRegistry.CreateWithBuiltIns();
        registry.Register<SpecPayloads.Registered>(SpecPayloads.RegisteredTypeId, r => [], _ => new SpecPayloads.Registered(""));

        var config = ConfigurationFactory.ParseString(PersistencePlugins.Config(new PersistenceSettings(), registry));

        var bindings = config.GetConfig("akka.actor.serialization-bindings").AsEnumerable().ToDictionary(p => p.Key, p => p.Value.GetString());
        Assert.Equal("dsync-event", Assert.Single(bindings).Value);
        Assert.Contains(typeof(SpecPayloads.Registered).FullName!, Assert.Single(bindings).Key, StringComparison.Ordinal);
        Assert.Equal(4101, config.GetInt("akka.actor.serialization-identifiers.\"DistSync.Persistence.Plugins.DistSyncEventSerializer, DistSync.Persistence\""));
    }
}
