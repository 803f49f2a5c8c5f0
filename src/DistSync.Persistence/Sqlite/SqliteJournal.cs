using DistSync.Persistence.Journal;
using Microsoft.Data.Sqlite;

namespace DistSync.Persistence.Sqlite;

/// <summary>
/// Journal in a SQLite database file (WAL, synchronous=FULL). A batch is one transaction, so one fsync of the
/// WAL however many events and persistence ids it holds. Writes go through one connection with prepared
/// statements; replays open their own read connection so they never wait for a write.
/// </summary>
public sealed class SqliteJournal : IJournal
{
    private readonly string _path;
    private readonly TimeSpan _busyTimeout;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SqliteConnection _writer;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter _insertPid, _insertSeq, _insertType, _insertPayload;
    private readonly SqliteCommand _raiseHighest;
    private readonly SqliteParameter _highestPid, _highestSeq;
    private readonly Dictionary<string, long> _batchHighest = new(StringComparer.Ordinal);
    private long _transactions;
    private bool _disposed;

    public SqliteJournal(string databasePath, TimeSpan? busyTimeout = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        _path = databasePath;
        _busyTimeout = busyTimeout ?? TimeSpan.FromSeconds(30);
        _writer = SqliteDatabase.Open(_path, _busyTimeout, forWriting: true);

        _insert = _writer.CreateCommand();
        _insert.CommandText = "INSERT INTO journal (persistence_id, sequence_nr, type_id, payload) VALUES ($pid, $seq, $type, $payload);";
        _insertPid = _insert.Parameters.Add("$pid", SqliteType.Text);
        _insertSeq = _insert.Parameters.Add("$seq", SqliteType.Integer);
        _insertType = _insert.Parameters.Add("$type", SqliteType.Integer);
        _insertPayload = _insert.Parameters.Add("$payload", SqliteType.Blob);
        _insert.Prepare();

        _raiseHighest = _writer.CreateCommand();
        _raiseHighest.CommandText = """
            INSERT INTO journal_highest (persistence_id, sequence_nr) VALUES ($pid, $seq)
            ON CONFLICT (persistence_id) DO UPDATE SET sequence_nr = max(sequence_nr, excluded.sequence_nr);
            """;
        _highestPid = _raiseHighest.Parameters.Add("$pid", SqliteType.Text);
        _highestSeq = _raiseHighest.Parameters.Add("$seq", SqliteType.Integer);
        _raiseHighest.Prepare();
    }

    /// <summary>The database file this journal writes.</summary>
    public string DatabasePath => _path;

    public long CommittedTransactions => Interlocked.Read(ref _transactions);

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return;
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            // SQLite calls are synchronous; the caller is the node's single journal writer, so blocking it is fine.
            using var transaction = _writer.BeginTransaction();
            _insert.Transaction = transaction;
            _raiseHighest.Transaction = transaction;
            _batchHighest.Clear();
            for (var w = 0; w < batch.Count; w++)
            {
                var events = batch[w].Events;
                for (var i = 0; i < events.Count; i++)
                {
                    var e = events[i];
                    _insertPid.Value = e.PersistenceId;
                    _insertSeq.Value = e.SequenceNr;
                    _insertType.Value = e.TypeId;
                    _insertPayload.Value = e.Payload;
                    _insert.ExecuteNonQuery();
                }
                var write = batch[w];
                if (!_batchHighest.TryGetValue(write.PersistenceId, out var h) || h < write.HighestSequenceNr)
                    _batchHighest[write.PersistenceId] = write.HighestSequenceNr;
            }
            foreach (var (pid, highest) in _batchHighest)
            {
                _highestPid.Value = pid;
                _highestSeq.Value = highest;
                _raiseHighest.ExecuteNonQuery();
            }
            transaction.Commit();
            Interlocked.Increment(ref _transactions);
        }
        finally
        {
            _insert.Transaction = null;
            _raiseHighest.Transaction = null;
            _writeGate.Release();
        }
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onReplayed);
        if (max <= 0 || toSequenceNr < fromSequenceNr) return;
        await Task.Yield(); // do the blocking read off the caller's turn
        using var connection = SqliteDatabase.Open(_path, _busyTimeout, forWriting: false);
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT sequence_nr, type_id, payload FROM journal
            WHERE persistence_id = $pid AND sequence_nr >= $from AND sequence_nr <= $to
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
        command.CommandText = "SELECT sequence_nr FROM journal_highest WHERE persistence_id = $pid;";
        command.Parameters.AddWithValue("$pid", persistenceId);
        return command.ExecuteScalar() is long highest ? highest : 0L;
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            using var command = _writer.CreateCommand();
            command.CommandText = "DELETE FROM journal WHERE persistence_id = $pid AND sequence_nr <= $to;";
            command.Parameters.AddWithValue("$pid", persistenceId);
            command.Parameters.AddWithValue("$to", toSequenceNr);
            command.ExecuteNonQuery();
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
            _raiseHighest.Dispose();
            _writer.Dispose();
        }
        finally
        {
            _writeGate.Release();
        }
    }
}
