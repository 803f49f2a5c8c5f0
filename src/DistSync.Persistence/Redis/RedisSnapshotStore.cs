using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using Serilog;
using StackExchange.Redis;

namespace DistSync.Persistence.Redis;

/// <summary>
/// Snapshot store in a Redis server, in Akka.Persistence.Redis's key layout: per persistence id one sorted set
/// <c>snapshot:{pid}</c>, score = seqNr, member = timestamp plus CRC'd blob (<see cref="RedisSnapshotMember"/>).
/// A load walks the matching snapshots newest first and takes the first intact one (<see cref="IntactSnapshotPicker"/>).
/// Durability is that of the server's AOF setting (see <see cref="RedisJournal"/>). Data of the layout before issue 11
/// is moved over before the first operation (<see cref="RedisLayoutMigration"/>).
/// </summary>
public sealed class RedisSnapshotStore : ISnapshotStore
{
    // Snapshots fetched per round trip while loading: the newest is normally intact, so one small page suffices.
    private const int LoadPageSize = 4;

    private readonly ConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly ILogger _log;
    private readonly LayoutMigrationGate _migration;

    public RedisSnapshotStore(ConnectionMultiplexer connection, string nodePrefix, ILogger? log = null, bool ownsConnection = false)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _ownsConnection = ownsConnection;
        _db = connection.GetDatabase();
        _keys = new RedisKeys(nodePrefix);
        _log = log ?? Serilog.Core.Logger.None;
        var legacy = new LegacyRedisKeys(nodePrefix);
        _migration = new LayoutMigrationGate(() => RedisLayoutMigration.MigrateSnapshotsAsync(_connection, _db, _keys, legacy, _log));
    }

    public async Task SaveAsync(SnapshotMetadata metadata, SerializedSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        await _migration.EnsureAsync().ConfigureAwait(false);
        var member = RedisSnapshotMember.Encode(metadata.Timestamp, SnapshotBlobCodec.Encode(snapshot));
        var key = _keys.Snapshots(metadata.PersistenceId);
        // A save at a seqNr that already has a snapshot replaces it; members differ, so the old one is removed by score.
        var transaction = _db.CreateTransaction();
        var pending = new Task[]
        {
            transaction.SortedSetRemoveRangeByScoreAsync(key, metadata.SequenceNr, metadata.SequenceNr),
            transaction.SortedSetAddAsync(key, member, metadata.SequenceNr),
        };
        if (!await transaction.ExecuteAsync().ConfigureAwait(false))
            throw new InvalidOperationException("Redis refused the snapshot transaction");
        await Task.WhenAll(pending).ConfigureAwait(false);
    }

    public async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        await _migration.EnsureAsync().ConfigureAwait(false);
        var key = _keys.Snapshots(persistenceId);
        var max = criteria.MaxSequenceNr;
        while (max >= criteria.MinSequenceNr)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await _db.SortedSetRangeByScoreWithScoresAsync(key, criteria.MinSequenceNr, max, Exclude.None,
                Order.Descending, 0, LoadPageSize).ConfigureAwait(false);
            var candidates = new List<SnapshotMetadata>(page.Length);
            var blobs = new Dictionary<long, byte[]>(page.Length);
            foreach (var entry in page)
            {
                if (!TryRead(persistenceId, entry, out var metadata, out var blob)) continue;
                if (!criteria.Matches(metadata)) continue;
                candidates.Add(metadata);
                blobs[metadata.SequenceNr] = blob;
            }
            var picked = await IntactSnapshotPicker.PickAsync(candidates, m => Task.FromResult<byte[]?>(blobs[m.SequenceNr]), _log)
                .ConfigureAwait(false);
            if (picked is not null) return picked;
            if (page.Length < LoadPageSize) break;
            max = (long)page[^1].Score - 1;
        }
        return null;
    }

    public async Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default)
    {
        await _migration.EnsureAsync().ConfigureAwait(false);
        await _db.SortedSetRemoveRangeByScoreAsync(_keys.Snapshots(metadata.PersistenceId), metadata.SequenceNr, metadata.SequenceNr)
            .ConfigureAwait(false);
    }

    public async Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        await _migration.EnsureAsync().ConfigureAwait(false);
        var key = _keys.Snapshots(persistenceId);
        var entries = await _db.SortedSetRangeByScoreWithScoresAsync(key, criteria.MinSequenceNr, criteria.MaxSequenceNr)
            .ConfigureAwait(false);
        var doomed = new List<RedisValue>(entries.Length);
        foreach (var entry in entries)
        {
            // A member too short to carry a timestamp is no snapshot at all; it goes with any delete of its seqNr range.
            if (!TryRead(persistenceId, entry, out var metadata, out _) || criteria.Matches(metadata)) doomed.Add(entry.Element);
        }
        // ZREM of the exact members: one atomic command, and a snapshot saved meanwhile at one of these seqNrs stays.
        if (doomed.Count > 0) await _db.SortedSetRemoveAsync(key, doomed.ToArray()).ConfigureAwait(false);
    }

    private bool TryRead(string persistenceId, SortedSetEntry entry, out SnapshotMetadata metadata, out byte[] blob)
    {
        var seqNr = (long)entry.Score;
        if (RedisSnapshotMember.TryDecode((byte[])entry.Element!, out var timestamp, out blob))
        {
            metadata = new SnapshotMetadata(persistenceId, seqNr, timestamp);
            return true;
        }
        _log.Warning("Snapshot {PersistenceId}#{SequenceNr} has a malformed Redis member; skipping it", persistenceId, seqNr);
        metadata = new SnapshotMetadata(persistenceId, seqNr, default);
        return false;
    }

    public ValueTask DisposeAsync()
    {
        if (_ownsConnection)
        {
            // Every command of ours was awaited already; Close(false) avoids the drain wait of a plain Dispose after a
            // MULTI/EXEC. Written for 1.2.6 (30 s); still needed on 3.4.35: with DisposeAsync alone one test of the
            // journal spec took 39 s instead of milliseconds (measured while porting to Akka).
            _connection.Close(allowCommandsToComplete: false);
            _connection.Dispose();
        }
        return ValueTask.CompletedTask;
    }
}
