using Akka.Persistence;
using Akka.Persistence.Snapshot;
using DistSync.Persistence.Snapshot;
using AkkaConfig = Akka.Configuration.Config;
using AkkaCriteria = Akka.Persistence.SnapshotSelectionCriteria;
using AkkaMetadata = Akka.Persistence.SnapshotMetadata;
using AkkaSelected = Akka.Persistence.SelectedSnapshot;
using EngineCriteria = DistSync.Persistence.Snapshot.SnapshotSelectionCriteria;
using EngineMetadata = DistSync.Persistence.Snapshot.SnapshotMetadata;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Akka.Persistence snapshot store over a DistSync engine (<see cref="Sqlite.SqliteSnapshotStore"/>,
/// <see cref="Redis.RedisSnapshotStore"/>, <see cref="InMem.InMemSnapshotStore"/>). Blobs carry a CRC-32C; a load
/// skips a corrupt one (logged) for the previous intact snapshot (<c>IntactSnapshotPicker</c>). States are stored as
/// (type id, bytes) like events (<see cref="PayloadCodec"/>). Timestamps are UTC ticks.
/// </summary>
public sealed class DistSyncSnapshotStore : SnapshotStore
{
    private readonly ISnapshotStore _engine;
    private readonly bool _ownsEngine;
    private readonly PayloadCodec _codec;

    public DistSyncSnapshotStore(AkkaConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var system = Context.System;
        (_engine, _ownsEngine) = PluginEngines.SnapshotStore(system, config);
        _codec = new PayloadCodec(EventRegistrySetup.RegistryOf(system), system.Serialization);
    }

    protected override async Task<AkkaSelected> LoadAsync(string persistenceId, AkkaCriteria criteria, CancellationToken cancellationToken)
    {
        var selected = await _engine.LoadAsync(persistenceId, ToEngine(criteria), cancellationToken).ConfigureAwait(false);
        if (selected is null) return null!;
        var state = _codec.Decode(selected.Snapshot.TypeId, selected.Snapshot.Payload);
        return new AkkaSelected(ToAkka(selected.Metadata), state);
    }

    protected override Task SaveAsync(AkkaMetadata metadata, object snapshot, CancellationToken cancellationToken)
    {
        var (typeId, bytes) = _codec.Encode(snapshot); // a failure faults the save: SaveSnapshotFailure
        return _engine.SaveAsync(ToEngine(metadata), new SerializedSnapshot(typeId, bytes), cancellationToken);
    }

    protected override Task DeleteAsync(AkkaMetadata metadata, CancellationToken cancellationToken) =>
        _engine.DeleteAsync(ToEngine(metadata), cancellationToken);

    protected override Task DeleteAsync(string persistenceId, AkkaCriteria criteria, CancellationToken cancellationToken) =>
        _engine.DeleteAsync(persistenceId, ToEngine(criteria), cancellationToken);

    protected override void PostStop()
    {
        if (_ownsEngine) _engine.DisposeAsync().AsTask().GetAwaiter().GetResult();
        base.PostStop();
    }

    private static EngineMetadata ToEngine(AkkaMetadata m) => new(m.PersistenceId, m.SequenceNr, ToOffset(m.Timestamp));

    private static AkkaMetadata ToAkka(EngineMetadata m) =>
        new(m.PersistenceId, m.SequenceNr, new DateTime(m.Timestamp.UtcTicks, DateTimeKind.Utc));

    private static EngineCriteria ToEngine(AkkaCriteria c) =>
        new(c.MaxSequenceNr, ToOffset(c.MaxTimeStamp), c.MinSequenceNr, ToOffset(c.MinTimestamp ?? DateTime.MinValue));

    // Akka's timestamps are UTC (Unspecified ones, e.g. DateTime.MinValue/MaxValue, are taken as UTC ticks).
    private static DateTimeOffset ToOffset(DateTime t) =>
        new(t.Kind == DateTimeKind.Local ? t.ToUniversalTime().Ticks : t.Ticks, TimeSpan.Zero);
}
