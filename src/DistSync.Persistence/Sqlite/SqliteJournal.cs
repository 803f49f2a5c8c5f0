using DistSync.Persistence.Journal;
using Microsoft.Data.Sqlite;
using Serilog;
using SQLitePCL;

namespace DistSync.Persistence.Sqlite;

/// <summary>
/// Journal in a SQLite database file (WAL, synchronous=FULL). A batch is one transaction, so one fsync of the
/// WAL however many events and persistence ids it holds.
/// <para>
/// Write amplification is what limits group commit here: a batch of N actors' events inserted straight into a
/// table keyed by (persistence id, seqNr) dirties about N B-tree pages (one insertion point per persistence id),
/// each written to the WAL in full. So a batch goes into <c>journal_recent</c>, an append-only table (about one
/// page per 20 small events); once it holds <c>mergeThreshold</c> events they are moved, sorted, into the keyed
/// <c>journal</c> table in one transaction, where each persistence id's page is now written once for many events.
/// Reads look at both tables. Opening the journal merges first, so recovery reads the keyed table only.
/// Sequence numbers must grow per persistence id; a write that does not is refused (that check stands in for the
/// primary key, which the append-only table does not have).
/// </para>
/// </summary>
public sealed class SqliteJournal : IJournal
{
    /// <summary>Events kept in the append-only table before they are merged into the keyed one.</summary>
    public const int DefaultMergeThreshold = 16_384;

    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private readonly int _mergeThreshold;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly RawInsert _insert;
    private readonly SqliteCommand _readHighest;
    // Highest sequence number stored per persistence id (committed), and the raises of the batch being written.
    private readonly Dictionary<string, long> _highest = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _batchHighest = new(StringComparer.Ordinal);
    private long _recentRows;
    private long _transactions;
    private long _merges;
    private bool _disposed;

    public SqliteJournal(string databasePath, TimeSpan? busyTimeout = null, int mergeThreshold = DefaultMergeThreshold, ILogger? log = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        if (mergeThreshold < 1) throw new ArgumentOutOfRangeException(nameof(mergeThreshold), mergeThreshold, "at least 1");
        _path = databasePath;
        _busyTimeout = busyTimeout ?? TimeSpan.FromSeconds(30);
        _mergeThreshold = mergeThreshold;
        _log = log ?? Serilog.Core.Logger.None;
        _writer = SqliteDatabase.Open(_path, _busyTimeout, forWriting: true);
        try
        {
            _insert = new RawInsert(_writer);
            _readHighest = _writer.CreateCommand();
            _readHighest.CommandText = HighestSql;
            _readHighest.Parameters.Add("$pid", SqliteType.Text);
            _readHighest.Prepare();
            Merge(); // whatever a previous run left in journal_recent, so recovery reads the keyed table only
        }
        catch
        {
            _writer.Dispose();
            throw;
        }
    }

    private const string HighestSql = """
        SELECT max(coalesce((SELECT max(sequence_nr) FROM journal WHERE persistence_id = $pid), 0),
                   coalesce((SELECT max(sequence_nr) FROM journal_recent WHERE persistence_id = $pid), 0),
                   coalesce((SELECT sequence_nr FROM journal_highest WHERE persistence_id = $pid), 0));
        """;

    /// <summary>The database file this journal writes.</summary>
    public string DatabasePath => _path;

    public long CommittedTransactions => Interlocked.Read(ref _transactions);

    /// <summary>Merges of the append-only table into the keyed one: transactions (fsyncs) on top of
    /// <see cref="CommittedTransactions"/>, which counts writes and deletes only.</summary>
    public long Merges => Interlocked.Read(ref _merges);

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // SQLite calls are synchronous; the caller is the node's single batching writer (a pool thread), so blocking it is fine.
            _batchHighest.Clear();
            var rows = 0;
            using (var transaction = _writer.BeginTransaction())
            {
                for (var w = 0; w < batch.Count; w++)
                {
                    var write = batch[w];
                    var highest = HighestFor(write.PersistenceId, transaction);
                    if (write.LowestSequenceNr <= highest)
                        throw new InvalidOperationException(
                            $"{write.PersistenceId}#{write.LowestSequenceNr} is not above the stored highest sequence number {highest}; was the same persistence id written by two writers?");
                    var events = write.Events;
                    for (var i = 0; i < events.Count; i++) _insert.Execute(events[i]);
                    _batchHighest[write.PersistenceId] = write.HighestSequenceNr;
                    rows += events.Count;
                }
                transaction.Commit();
            }
            Interlocked.Increment(ref _transactions);
            foreach (var (pid, highest) in _batchHighest) _highest[pid] = highest;
            _recentRows += rows;
            if (_recentRows >= _mergeThreshold) TryMerge();
        }
        finally
        {
            _batchHighest.Clear();
            _writeGate.Release();
        }
    }

    private long HighestFor(string persistenceId, SqliteTransaction transaction)
    {
        if (_batchHighest.TryGetValue(persistenceId, out var inBatch)) return inBatch;
        if (_highest.TryGetValue(persistenceId, out var stored)) return stored;
        _readHighest.Transaction = transaction;
        try
        {
            _readHighest.Parameters[0].Value = persistenceId;
            var highest = _readHighest.ExecuteScalar() is long h ? h : 0L;
            _highest[persistenceId] = highest;
            return highest;
        }
        finally
        {
            _readHighest.Transaction = null;
        }
    }

    private void TryMerge()
    {
        try
        {
            Merge();
        }
        catch (SqliteException error)
        {
            // The batch itself is durable; the events stay in journal_recent (still read from there) and the merge
            // is tried again after the next batch.
            _log.Warning(error, "Merging {Rows} journal rows of {Path} into the keyed table failed; will retry", _recentRows, _path);
        }
    }

    private void Merge()
    {
        using var transaction = _writer.BeginTransaction();
        using var command = _writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO journal (persistence_id, sequence_nr, type_id, payload)
            SELECT persistence_id, sequence_nr, type_id, payload FROM journal_recent ORDER BY persistence_id, sequence_nr;
            DELETE FROM journal_recent;
            """;
        var moved = command.ExecuteNonQuery();
        transaction.Commit();
        _recentRows = 0;
        if (moved > 0) Interlocked.Increment(ref _merges);
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onReplayed);
        if (max <= 0 || toSequenceNr < fromSequenceNr) return;
        await Task.Yield(); // do the blocking read off the caller's turn
        using var connection = SqliteDatabase.Open(_path, _busyTimeout, forWriting: false);
        using var command = connection.CreateCommand();
        // One statement = one read snapshot of both tables, so a concurrent merge is never seen half done.
        command.CommandText = """
            SELECT sequence_nr, type_id, payload FROM (
                SELECT sequence_nr, type_id, payload FROM journal
                WHERE persistence_id = $pid AND sequence_nr >= $from AND sequence_nr <= $to
                UNION ALL
                SELECT sequence_nr, type_id, payload FROM journal_recent
                WHERE persistence_id = $pid AND sequence_nr >= $from AND sequence_nr <= $to)
            ORDER BY sequence_nr LIMIT $max;
            """;
        command.Parameters.AddWithValue("$pid", persistenceId);
        command.Parameters.AddWithValue("$from", fromSequenceNr);
        command.Parameters.AddWithValue("$to", toSequenceNr);
        command.Parameters.AddWithValue("$max", max);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            onReplayed(new PersistentRepr(persistenceId, reader.GetInt64(0), reader.GetInt32(1), (byte[])reader.GetValue(2)));
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        using var connection = SqliteDatabase.Open(_path, _busyTimeout, forWriting: false);
        using var command = connection.CreateCommand();
        command.CommandText = HighestSql;
        command.Parameters.AddWithValue("$pid", persistenceId);
        return command.ExecuteScalar() is long highest ? highest : 0L;
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var transaction = _writer.BeginTransaction();
            using var command = _writer.CreateCommand();
            command.Transaction = transaction;
            // Remember the highest sequence number before the events that carry it may go.
            command.CommandText = """
                INSERT INTO journal_highest (persistence_id, sequence_nr)
                SELECT $pid, max(sequence_nr) FROM (
                    SELECT sequence_nr FROM journal WHERE persistence_id = $pid
                    UNION ALL SELECT sequence_nr FROM journal_recent WHERE persistence_id = $pid)
                HAVING max(sequence_nr) IS NOT NULL
                ON CONFLICT (persistence_id) DO UPDATE SET sequence_nr = max(sequence_nr, excluded.sequence_nr);
                DELETE FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to;
                DELETE FROM journal_recent WHERE persistence_id = $pid AND sequence_nr <= $to;
                """;
            command.Parameters.AddWithValue("$pid", persistenceId);
            command.Parameters.AddWithValue("$to", toSequenceNr);
            command.ExecuteNonQuery();
            transaction.Commit();
            Interlocked.Increment(ref _transactions);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_disposed) return;
            _disposed = true;
            _insert.Dispose();
            _readHighest.Dispose();
            _writer.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>
    /// The prepared INSERT into journal_recent, driven through the native SQLite API: binding by index without
    /// boxing keeps the per-event cost of a batch low (Microsoft.Data.Sqlite binds every parameter by name).
    /// </summary>
    private sealed class RawInsert : IDisposable
    {
        private readonly sqlite3 _db;
        private readonly sqlite3_stmt _statement;

        public RawInsert(SqliteConnection connection)
        {
            _db = connection.Handle ?? throw new InvalidOperationException("the journal connection is not open");
            Check(raw.sqlite3_prepare_v2(_db,
                "INSERT INTO journal_recent (persistence_id, sequence_nr, type_id, payload) VALUES (?1, ?2, ?3, ?4);", out _statement));
        }

        public void Execute(PersistentRepr e)
        {
            Check(raw.sqlite3_bind_text(_statement, 1, e.PersistenceId));
            Check(raw.sqlite3_bind_int64(_statement, 2, e.SequenceNr));
            Check(raw.sqlite3_bind_int(_statement, 3, e.TypeId));
            // An empty span would bind NULL; a zero-length blob keeps the NOT NULL column honest.
            Check(e.Payload.Length == 0
                ? raw.sqlite3_bind_zeroblob(_statement, 4, 0)
                : raw.sqlite3_bind_blob(_statement, 4, e.Payload));
            var rc = raw.sqlite3_step(_statement);
            raw.sqlite3_reset(_statement);
            if (rc != raw.SQLITE_DONE) throw Error(rc, $"storing {e.PersistenceId}#{e.SequenceNr}");
        }

        private void Check(int rc)
        {
            if (rc != raw.SQLITE_OK) throw Error(rc, "preparing the journal insert");
        }

        private SqliteException Error(int rc, string what) =>
            new($"SQLite error {rc} while {what}: {raw.sqlite3_errmsg(_db).utf8_to_string()}", rc);

        public void Dispose() => _statement.Dispose();
    }
}
