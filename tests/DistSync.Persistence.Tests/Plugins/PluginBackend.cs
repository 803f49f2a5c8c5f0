using System.Text;
using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Plugins;
using DistSync.Persistence.Redis;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Sqlite;
using StackExchange.Redis;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// One engine for the plugin specs (sqlite file, redis key prefix, or shared in-memory storage), from which any
/// number of actor systems can be built over the same data: a second system "reopens" what the first wrote.
/// </summary>
public sealed class PluginBackend : IDisposable
{
    private static int _instances;
    private readonly TempDirectory? _directory;
    private readonly InMemStorage? _storage;
    private readonly RedisServerFixture? _redis;

    private PluginBackend(string name, PersistenceSettings settings, TempDirectory? directory, InMemStorage? storage, RedisServerFixture? redis)
    {
        Name = name;
        Settings = settings;
        _directory = directory;
        _storage = storage;
        _redis = redis;
        Registry = PersistenceSerializerRegistry.CreateWithBuiltIns();
        Registry.Register<SpecPayloads.Registered>(SpecPayloads.RegisteredTypeId, r => Encoding.UTF8.GetBytes(r.Text),
            b => new SpecPayloads.Registered(Encoding.UTF8.GetString(b)));
    }

    /// <summary>A backend whose plugins encrypt at rest with the keyring at <paramref name="dataKeyFile"/>.</summary>
    public static PluginBackend Encrypted(string kind, string dataKeyFile, RedisServerFixture? server = null, bool acceptPlaintext = false)
    {
        var backend = kind switch
        {
            "sqlite" => Sqlite(),
            "redis" => Redis(server ?? throw new ArgumentNullException(nameof(server))),
            _ => InMem(),
        };
        backend.Settings = backend.Settings with { DataKeyFile = dataKeyFile, AcceptPlaintext = acceptPlaintext };
        return backend;
    }

    public static PluginBackend Sqlite()
    {
        var directory = new TempDirectory();
        return new PluginBackend("sqlite", new PersistenceSettings { NodeId = "spec", DataDirectory = directory.Path }, directory, null, null);
    }

    public static PluginBackend Redis(RedisServerFixture server) =>
        new("redis", new PersistenceSettings
        {
            // A fresh node prefix per backend: the tests of a class share the server, never each other's keys.
            NodeId = $"plugin-spec-{Interlocked.Increment(ref _instances)}",
            JournalPlugin = PersistencePlugin.Redis,
            SnapshotStorePlugin = PersistencePlugin.Redis,
            // 30 s to connect: on 2 loaded cores a connect to the spec's own server once took longer than 10 s
            RedisConfiguration = $"{server.Endpoint},connectTimeout=30000,syncTimeout=30000",
        }, null, null, server);

    public static PluginBackend InMem() =>
        new("inmem", new PersistenceSettings { JournalPlugin = PersistencePlugin.InMem, SnapshotStorePlugin = PersistencePlugin.InMem },
            null, new InMemStorage(), null);

    public string Name { get; }

    public PersistenceSettings Settings { get; private set; }

    /// <summary>The in-memory data (inmem backends only).</summary>
    internal InMemStorage? Storage => _storage;

    public PersistenceSerializerRegistry Registry { get; }

    /// <summary>A setup for a system over this backend; <paramref name="wrapJournal"/> may wrap each journal engine
    /// the plugin opens (e.g. in a <see cref="HeldJournal"/>).</summary>
    public ActorSystemSetup Setup(Func<IJournal, IJournal>? wrapJournal = null, string extraConfig = "")
    {
        PersistenceEngineSetup? engines = null;
        if (wrapJournal is not null || _storage is not null)
            engines = new PersistenceEngineSetup(_ => (wrapJournal ?? (j => j))(OpenJournal()), _ => OpenSnapshotStore());
        return PersistencePlugins.Setup(Settings, Registry, ConfigurationFactory.ParseString(extraConfig + "\n" + TestConfig), engines);
    }

    /// <summary>A journal engine over this backend's data, as the plugin would open it.</summary>
    public IJournal OpenJournal() => Settings.JournalPlugin switch
    {
        PersistencePlugin.Sqlite => new SqliteJournal(Settings.SqlitePath),
        PersistencePlugin.Redis => new RedisJournal(ConnectionMultiplexer.Connect(Settings.RedisConfiguration), Settings.RedisNodePrefix, ownsConnection: true),
        _ => new InMemJournal(_storage),
    };

    /// <summary>A snapshot store engine over this backend's data, as the plugin would open it.</summary>
    public ISnapshotStore OpenSnapshotStore() => Settings.SnapshotStorePlugin switch
    {
        PersistencePlugin.Sqlite => new SqliteSnapshotStore(Settings.SqlitePath),
        PersistencePlugin.Redis => new RedisSnapshotStore(ConnectionMultiplexer.Connect(Settings.RedisConfiguration), Settings.RedisNodePrefix, ownsConnection: true),
        _ => new InMemSnapshotStore(_storage),
    };

    /// <summary>Flips a byte of a stored snapshot blob, as bit rot under the store would.</summary>
    public async Task CorruptSnapshotAsync(string persistenceId, long sequenceNr)
    {
        switch (Settings.SnapshotStorePlugin)
        {
            case PersistencePlugin.Sqlite:
                using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Settings.SqlitePath};Pooling=False"))
                {
                    connection.Open();
                    using var read = connection.CreateCommand();
                    read.CommandText = "SELECT blob FROM snapshot WHERE persistence_id = $pid AND sequence_nr = $seq;";
                    read.Parameters.AddWithValue("$pid", persistenceId);
                    read.Parameters.AddWithValue("$seq", sequenceNr);
                    var blob = read.ExecuteScalar() as byte[] ?? throw new InvalidOperationException($"no snapshot {persistenceId}#{sequenceNr}");
                    blob[blob.Length / 2] ^= 0xFF;
                    using var write = connection.CreateCommand();
                    write.CommandText = "UPDATE snapshot SET blob = $blob WHERE persistence_id = $pid AND sequence_nr = $seq;";
                    write.Parameters.AddWithValue("$blob", blob);
                    write.Parameters.AddWithValue("$pid", persistenceId);
                    write.Parameters.AddWithValue("$seq", sequenceNr);
                    write.ExecuteNonQuery();
                }
                break;
            case PersistencePlugin.Redis:
                await using (var connection = await ConnectionMultiplexer.ConnectAsync(Settings.RedisConfiguration))
                {
                    await RedisSnapshotCorruption.FlipBlobByteAsync(connection.GetDatabase(),
                        $"{Settings.RedisNodePrefix}:snapshot:{persistenceId}", sequenceNr);
                }
                break;
            default:
                new InMemSnapshotStore(_storage).CorruptStoredBlob(persistenceId, sequenceNr);
                break;
        }
    }

    private static string TestConfig => $$"""
        akka.loglevel = INFO
        akka.actor.serializers {
          spec-text = "{{typeof(SpecPayloads.TextSerializer).FullName}}, DistSync.Persistence.Tests"
          spec-refusing = "{{typeof(SpecPayloads.RefusingSerializer).FullName}}, DistSync.Persistence.Tests"
          hyperion = "Akka.Serialization.HyperionSerializer, Akka.Serialization.Hyperion"
        }
        akka.actor.serialization-bindings {
          "{{typeof(SpecPayloads.ViaAkka).FullName}}, DistSync.Persistence.Tests" = spec-text
          "{{typeof(SpecPayloads.Unserializable).FullName}}, DistSync.Persistence.Tests" = spec-refusing
          "{{typeof(SpecPayloads.ViaHyperion).FullName}}, DistSync.Persistence.Tests" = hyperion
        }
        """;

    public void Dispose() => _directory?.Dispose();

    public override string ToString() => _redis is null ? Name : $"{Name} at {_redis.Endpoint}";
}
