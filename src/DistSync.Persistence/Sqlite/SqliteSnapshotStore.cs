using DistSync.Persistence.Serialization;
using DistSync.Persistence.Snapshot;
using Microsoft.Data.Sqlite;
using Serilog;

namespace DistSync.Persistence.Sqlite;

/// <summary>
/// Snapshot store in the node's SQLite database file (table <c>snapshot</c>, next to the journal).
/// Snapshots are rare, so one connection guarded by a semaphore serves every call.
/// </summary>
public sealed class SqliteSnapshotStore : ISnapshotStore
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SqliteConnection _connection;
    private readonly ILogger _log;
    private bool _disposed;

    public SqliteSnapshotStore(string databasePath, ILogger? log = null, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        _log = log ?? Serilog.Core.Logger.None;
        // SQLite's default page cache: a snapshot's pages are written once and read back only at a restart, so the
        // journal's 64 MiB cache would only hold the last snapshot's overflow pages.
        _connection = SqliteDatabase.Open(databasePath, busyTimeout ?? TimeSpan.FromSeconds(30), forWriting: true, cacheKiB: SqliteDatabase.DefaultCacheKiB);
    }

    /// <summary>
    /// Inserts a zeroed blob of the frame's length and writes header, payload and checksum into it in place, in one
    /// transaction: binding the framed blob as a parameter made two more copies of a snapshot that can be ~100 MB (the
    /// frame, then SQLite's own), and those set the process's memory high-water mark.
    /// </summary>
    public Task SaveAsync(SnapshotMetadata metadata, SerializedSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        var payload = snapshot.Payload;
        var header = new byte[SnapshotBlobCodec.HeaderLength];
        SnapshotBlobCodec.WriteHeader(header, snapshot.TypeId, payload.Length);
        var trailer = new byte[SnapshotBlobCodec.TrailerLength];
        SnapshotBlobCodec.WriteTrailer(trailer, header, payload);
        return WithConnection(cancellationToken, c =>
        {
            using var transaction = c.BeginTransaction();
            long rowId;
            using (var command = c.CreateCommand())
            {
                command.Transaction = transaction;
                command.CommandText = """
                    INSERT OR REPLACE INTO snapshot (persistence_id, sequence_nr, created_utc_ticks, blob)
                    VALUES ($pid, $seq, $ticks, zeroblob($length));
                    SELECT last_insert_rowid();
                    """;
                command.Parameters.AddWithValue("$pid", metadata.PersistenceId);
                command.Parameters.AddWithValue("$seq", metadata.SequenceNr);
                command.Parameters.AddWithValue("$ticks", metadata.Timestamp.UtcTicks);
                command.Parameters.AddWithValue("$length", SnapshotBlobCodec.BlobLength(payload.Length));
                rowId = (long)command.ExecuteScalar()!;
            }
            using (var blob = new SqliteBlob(c, "snapshot", "blob", rowId))
            {
                blob.Write(header);
                blob.Write(payload);
                blob.Write(trailer);
            }
            transaction.Commit();
            return true;
        });
    }

    public async Task<SelectedSnapshot?> LoadAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default)
    {
        var candidates = await WithConnection(cancellationToken, c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT sequence_nr, created_utc_ticks FROM snapshot
                WHERE persistence_id = $pid AND sequence_nr BETWEEN $minSeq AND $maxSeq
                  AND created_utc_ticks BETWEEN $minTicks AND $maxTicks
                ORDER BY sequence_nr DESC;
                """;
            AddCriteria(command, persistenceId, criteria);
            var list = new List<SnapshotMetadata>();
            using var reader = command.ExecuteReader();
            while (reader.Read())
                list.Add(new SnapshotMetadata(persistenceId, reader.GetInt64(0), new DateTimeOffset(reader.GetInt64(1), TimeSpan.Zero)));
            return list;
        }).ConfigureAwait(false);
        return await IntactSnapshotPicker.PickAsync(candidates, m => WithConnection(cancellationToken, c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT blob FROM snapshot WHERE persistence_id = $pid AND sequence_nr = $seq;";
            command.Parameters.AddWithValue("$pid", m.PersistenceId);
            command.Parameters.AddWithValue("$seq", m.SequenceNr);
            return command.ExecuteScalar() as byte[];
        }), _log).ConfigureAwait(false);
    }

    public Task DeleteAsync(SnapshotMetadata metadata, CancellationToken cancellationToken = default) =>
        WithConnection(cancellationToken, c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "DELETE FROM snapshot WHERE persistence_id = $pid AND sequence_nr = $seq;";
            command.Parameters.AddWithValue("$pid", metadata.PersistenceId);
            command.Parameters.AddWithValue("$seq", metadata.SequenceNr);
            command.ExecuteNonQuery();
            return true;
        });

    public Task DeleteAsync(string persistenceId, SnapshotSelectionCriteria criteria, CancellationToken cancellationToken = default) =>
        WithConnection(cancellationToken, c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                DELETE FROM snapshot
                WHERE persistence_id = $pid AND sequence_nr BETWEEN $minSeq AND $maxSeq
                  AND created_utc_ticks BETWEEN $minTicks AND $maxTicks;
                """;
            AddCriteria(command, persistenceId, criteria);
            command.ExecuteNonQuery();
            return true;
        });

    private static void AddCriteria(SqliteCommand command, string persistenceId, SnapshotSelectionCriteria criteria)
    {
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$minSeq", criteria.MinSequenceNr);
        command.Parameters.AddWithValue("$maxSeq", criteria.MaxSequenceNr);
        command.Parameters.AddWithValue("$minTicks", criteria.MinTimestamp.UtcTicks);
        command.Parameters.AddWithValue("$maxTicks", criteria.MaxTimestamp.UtcTicks);
    }

    private async Task<T> WithConnection<T>(CancellationToken cancellationToken, Func<SqliteConnection, T> work)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return work(_connection);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _connection.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }
}
