using System.Runtime.CompilerServices;
using Akka.Actor;
using DistSync.Persistence.Encryption;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Redis;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Sqlite;
using DistSync.Security;
using StackExchange.Redis;
using AkkaConfig = Akka.Configuration.Config;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Opens the engine a plugin's HOCON block names (<c>engine = sqlite | redis | inmem</c> and the <c>sqlite</c> /
/// <c>redis</c> sub-blocks written by <see cref="PersistencePlugins.Config"/>), unless a
/// <see cref="PersistenceEngineSetup"/> supplies one. When the block names a <c>data-key-file</c>, the engine either
/// way is wrapped for encryption at rest (<see cref="EncryptedJournal"/>, <see cref="EncryptedSnapshotStore"/>), so
/// every backend, injected ones included, stores only ciphertext.
/// </summary>
internal static class PluginEngines
{
    // One in-memory store per actor system, shared by journal and snapshot store and kept across plugin restarts
    // (a restarted journal must not forget what it acknowledged).
    private static readonly ConditionalWeakTable<ActorSystem, InMemStorage> InMem = new();

    public static (IJournal Engine, bool Owned) Journal(ActorSystem system, AkkaConfig config)
    {
        var (engine, owned) = OpenJournal(system, config);
        if (Sealer(config) is not { } sealer) return (engine, owned);
        var log = Serilog.Log.Logger.ForContext("SourceContext", "DistSync.Persistence.Plugins.DistSyncJournal");
        return (new EncryptedJournal(engine, sealer, DataAtRestMetrics.For(system), log, owned), true);
    }

    public static (ISnapshotStore Engine, bool Owned) SnapshotStore(ActorSystem system, AkkaConfig config)
    {
        var (engine, owned) = OpenSnapshotStore(system, config);
        if (Sealer(config) is not { } sealer) return (engine, owned);
        var log = Serilog.Log.Logger.ForContext("SourceContext", "DistSync.Persistence.Plugins.DistSyncSnapshotStore");
        return (new EncryptedSnapshotStore(engine, sealer, DataAtRestMetrics.For(system), log, owned), true);
    }

    // Each plugin loads the keyring itself when it starts, so a missing or malformed key file fails the boot.
    private static RecordSealer? Sealer(AkkaConfig config)
    {
        var keyFile = config.GetString("data-key-file", "");
        if (string.IsNullOrWhiteSpace(keyFile)) return null;
        return new RecordSealer(DataKeyring.Load(keyFile), config.GetBoolean("accept-plaintext", false));
    }

    private static (IJournal Engine, bool Owned) OpenJournal(ActorSystem system, AkkaConfig config)
    {
        var setup = system.Settings.Setup.Get<PersistenceEngineSetup>();
        if (setup.HasValue && setup.Value.Journal is { } factory) return (factory(system), setup.Value.DisposeEngines);
        var log = Serilog.Log.Logger.ForContext("SourceContext", "DistSync.Persistence.Plugins.DistSyncJournal");
        IJournal engine = EngineName(config) switch
        {
            "sqlite" => new SqliteJournal(SqlitePath(config), config.GetTimeSpan("sqlite.busy-timeout", TimeSpan.FromSeconds(30)),
                config.GetInt("sqlite.merge-threshold", SqliteJournal.DefaultMergeThreshold), log),
            "redis" => new RedisJournal(Connect(config), RedisPrefix(config), ownsConnection: true, log),
            _ => new InMemJournal(InMem.GetValue(system, _ => new InMemStorage())),
        };
        return (engine, true);
    }

    private static (ISnapshotStore Engine, bool Owned) OpenSnapshotStore(ActorSystem system, AkkaConfig config)
    {
        var setup = system.Settings.Setup.Get<PersistenceEngineSetup>();
        if (setup.HasValue && setup.Value.SnapshotStore is { } factory) return (factory(system), setup.Value.DisposeEngines);
        var log = Serilog.Log.Logger.ForContext("SourceContext", "DistSync.Persistence.Plugins.DistSyncSnapshotStore");
        ISnapshotStore engine = EngineName(config) switch
        {
            "sqlite" => new SqliteSnapshotStore(SqlitePath(config), log, config.GetTimeSpan("sqlite.busy-timeout", TimeSpan.FromSeconds(30))),
            "redis" => new RedisSnapshotStore(Connect(config), RedisPrefix(config), log, ownsConnection: true),
            _ => new InMemSnapshotStore(InMem.GetValue(system, _ => new InMemStorage()), log),
        };
        return (engine, true);
    }

    private static string EngineName(AkkaConfig config)
    {
        var name = config.GetString("engine", "sqlite").Trim().ToLowerInvariant();
        return name is "sqlite" or "redis" or "inmem"
            ? name
            : throw new Akka.Configuration.ConfigurationException($"persistence plugin engine must be sqlite | redis | inmem, got '{name}'");
    }

    private static string SqlitePath(AkkaConfig config)
    {
        var path = config.GetString("sqlite.path", "");
        return string.IsNullOrWhiteSpace(path)
            ? throw new Akka.Configuration.ConfigurationException("persistence plugin engine sqlite needs sqlite.path")
            : path;
    }

    private static string RedisPrefix(AkkaConfig config)
    {
        var prefix = config.GetString("redis.node-prefix", "");
        return string.IsNullOrWhiteSpace(prefix)
            ? throw new Akka.Configuration.ConfigurationException("persistence plugin engine redis needs redis.node-prefix")
            : prefix;
    }

    // Blocking at plugin start is deliberate: the plugins auto-start at boot, so an unreachable server fails the node fast.
    private static ConnectionMultiplexer Connect(AkkaConfig config)
    {
        var configuration = config.GetString("redis.configuration", "127.0.0.1:6379");
        var connection = ConnectionMultiplexer.Connect(configuration);
        if (connection.IsConnected) return connection;
        connection.Dispose();
        throw new InvalidOperationException($"cannot reach Redis at '{configuration}' (dsync.persistence.redis.configuration)");
    }
}
