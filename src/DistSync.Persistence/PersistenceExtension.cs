using System.Runtime.CompilerServices;
using DistSync.Actors;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Redis;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Sqlite;
using StackExchange.Redis;

namespace DistSync.Persistence;

/// <summary>
/// The persistence of one actor system: its journal (behind the node-wide journal actor), snapshot store and
/// serializer registry. Start it once per system before creating persistent actors; it closes its stores when the
/// system terminates.
/// </summary>
public sealed class PersistenceExtension : IAsyncDisposable
{
    private static readonly ConditionalWeakTable<ActorSystem, PersistenceExtension> Registry = new();
    private readonly ConnectionMultiplexer? _redis;
    private int _disposed;

    private PersistenceExtension(ActorSystem system, PersistenceSettings settings, IJournal journal, ISnapshotStore snapshotStore,
        PersistenceSerializerRegistry serializers, ConnectionMultiplexer? redis)
    {
        System = system;
        Settings = settings;
        Journal = journal;
        SnapshotStore = snapshotStore;
        Serializers = serializers;
        _redis = redis;
        _writer = new Lazy<GroupCommitJournalWriter>(() => new GroupCommitJournalWriter(journal, settings.MaxBatchSize, system.Log));
        JournalActor = system.SystemActorOf(
            Props.Create(() => new JournalActor(journal, settings.MaxBatchSize, JournalMetrics)), $"persistence-journal-{Interlocked.Increment(ref _instances)}");
    }

    private static int _instances;
    private readonly Lazy<GroupCommitJournalWriter> _writer;

    public ActorSystem System { get; }

    public PersistenceSettings Settings { get; }

    public IJournal Journal { get; }

    /// <summary>The node-wide journal actor: every persistent actor of the system writes through it (group commit).</summary>
    public IActorRef JournalActor { get; }

    public JournalActorMetrics JournalMetrics { get; } = new();

    /// <summary>Group-commit writer for code outside actors (tools, benchmarks); created on first use.
    /// Persistent actors use <see cref="JournalActor"/>.</summary>
    public GroupCommitJournalWriter Writer => _writer.Value;

    public ISnapshotStore SnapshotStore { get; }

    public PersistenceSerializerRegistry Serializers { get; }

    /// <summary>Opens the plugins <paramref name="settings"/> name and attaches them to <paramref name="system"/>.</summary>
    public static async Task<PersistenceExtension> StartAsync(ActorSystem system, PersistenceSettings settings,
        PersistenceSerializerRegistry? serializers = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(settings);
        ConnectionMultiplexer? redis = null;
        if (settings.JournalPlugin == PersistencePlugin.Redis || settings.SnapshotStorePlugin == PersistencePlugin.Redis)
        {
            redis = await ConnectionMultiplexer.ConnectAsync(settings.RedisConfiguration).ConfigureAwait(false);
            if (!redis.IsConnected)
            {
                redis.Dispose();
                throw new InvalidOperationException($"cannot reach Redis at '{settings.RedisConfiguration}' (dsync.persistence.redis.configuration)");
            }
        }
        var inMem = new InMemStorage();
        IJournal journal = settings.JournalPlugin switch
        {
            PersistencePlugin.Sqlite => new SqliteJournal(settings.SqlitePath, settings.SqliteBusyTimeout, settings.SqliteMergeThreshold, system.Log),
            PersistencePlugin.Redis => new RedisJournal(redis!, settings.RedisNodePrefix, log: system.Log),
            _ => new InMemJournal(inMem),
        };
        ISnapshotStore store = settings.SnapshotStorePlugin switch
        {
            PersistencePlugin.Sqlite => new SqliteSnapshotStore(settings.SqlitePath, system.Log, settings.SqliteBusyTimeout),
            PersistencePlugin.Redis => new RedisSnapshotStore(redis!, settings.RedisNodePrefix, system.Log),
            _ => new InMemSnapshotStore(inMem, system.Log),
        };
        return Attach(new PersistenceExtension(system, settings, journal, store,
            serializers ?? PersistenceSerializerRegistry.CreateWithBuiltIns(), redis));
    }

    /// <summary>Attaches given stores (tests, or a host that builds its own). They are disposed with the system.</summary>
    public static PersistenceExtension Start(ActorSystem system, IJournal journal, ISnapshotStore snapshotStore,
        PersistenceSerializerRegistry? serializers = null, PersistenceSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(journal);
        ArgumentNullException.ThrowIfNull(snapshotStore);
        return Attach(new PersistenceExtension(system, settings ?? new PersistenceSettings(), journal, snapshotStore,
            serializers ?? PersistenceSerializerRegistry.CreateWithBuiltIns(), null));
    }

    /// <summary>The persistence started for <paramref name="system"/>; a clear error when none was.</summary>
    public static PersistenceExtension Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return Registry.TryGetValue(system, out var extension)
            ? extension
            : throw new InvalidOperationException(
                $"persistence is not started for actor system '{system.Name}': call PersistenceExtension.StartAsync(system, settings) before creating persistent actors");
    }

    private static PersistenceExtension Attach(PersistenceExtension extension)
    {
        if (!Registry.TryAdd(extension.System, extension))
        {
            _ = extension.DisposeAsync().AsTask();
            throw new InvalidOperationException($"persistence is already started for actor system '{extension.System.Name}'");
        }
        // Close the stores once the actors that use them are gone.
        _ = extension.System.WhenTerminated.ContinueWith(_ => extension.DisposeAsync().AsTask(), TaskScheduler.Default).Unwrap();
        return extension;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        if (_writer.IsValueCreated) await _writer.Value.DisposeAsync().ConfigureAwait(false);
        await Journal.DisposeAsync().ConfigureAwait(false);
        await SnapshotStore.DisposeAsync().ConfigureAwait(false);
        if (_redis is not null)
        {
            _redis.Close(allowCommandsToComplete: false);
            _redis.Dispose();
        }
    }
}
