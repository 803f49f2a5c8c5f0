using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using Serilog;
using StackExchange.Redis;

namespace DistSync.Persistence.Redis;

/// <summary>
/// Journal in a Redis server, in Akka.Persistence.Redis's key layout (<see cref="RedisKeys"/>): per persistence id a
/// sorted set of events (score = seqNr) and a string with the highest seqNr, plus a set of persistence ids. A batch is
/// one MULTI/EXEC, which Redis applies atomically and appends to its AOF as one unit. Under the Akka plugin
/// (<see cref="Plugins.DistSyncJournal"/>) a batch is everything the node's persistent actors queued while the
/// previous batch committed (group commit), so still one MULTI/EXEC per batch. Data of the layout before issue 11 is
/// moved over before the first operation (<see cref="RedisLayoutMigration"/>).
/// Durability is exactly that of the server's persistence setting: with <c>appendonly yes</c> and
/// <c>appendfsync always</c> an acknowledged batch survives a crash of the server's host; with the default
/// <c>everysec</c> up to about a second of acknowledged writes can be lost; without AOF nothing survives a restart.
/// </summary>
public sealed class RedisJournal : IJournal
{
    private const int ReplayPageSize = 1000;

    // Raises the highest-seqNr strings of several persistence ids at once, never lowering one: KEYS[i] is a
    // journal:persisted:{pid}:highestSequenceNr key, ARGV[i] its candidate value. A plain SET in the MULTI could lower a
    // value (a retried older batch); seqNrs stay far below 2^53, so Lua's doubles compare them exactly.
    internal const string RaiseHighestScript = """
        for i = 1, #KEYS do
          local current = tonumber(redis.call('GET', KEYS[i]) or '0')
          if tonumber(ARGV[i]) > current then redis.call('SET', KEYS[i], ARGV[i]) end
        end
        return 0
        """;

    private readonly ConnectionMultiplexer _connection;
    private readonly bool _ownsConnection;
    private readonly IDatabase _db;
    private readonly RedisKeys _keys;
    private readonly LayoutMigrationGate _migration;
    private long _transactions;

    /// <param name="connection">An open multiplexer; disposed with the journal when <paramref name="ownsConnection"/>.</param>
    /// <param name="nodePrefix">Key prefix of this node, e.g. <c>dsync:node-1</c>; keys are <c>dsync:node-1:journal:…</c>.</param>
    /// <param name="ownsConnection">Whether <see cref="DisposeAsync"/> closes <paramref name="connection"/>.</param>
    /// <param name="log">Where the one-time move of old-layout data is reported.</param>
    public RedisJournal(ConnectionMultiplexer connection, string nodePrefix, bool ownsConnection = false, ILogger? log = null)
    {
        _connection = connection ?? throw new ArgumentNullException(nameof(connection));
        _ownsConnection = ownsConnection;
        _db = connection.GetDatabase();
        _keys = new RedisKeys(nodePrefix);
        var legacy = new LegacyRedisKeys(nodePrefix);
        var logger = log ?? Serilog.Core.Logger.None;
        _migration = new LayoutMigrationGate(() => RedisLayoutMigration.MigrateJournalAsync(_db, _keys, legacy, logger));
    }

    public long CommittedTransactions => Interlocked.Read(ref _transactions);

    public async Task WriteMessagesAsync(IReadOnlyList<AtomicWrite> batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) return;
        await _migration.EnsureAsync().ConfigureAwait(false);
        var transaction = _db.CreateTransaction();
        var pending = new List<Task>(batch.Count + 2);
        var highest = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var write in batch)
        {
            var entries = new SortedSetEntry[write.Events.Count];
            for (var i = 0; i < entries.Length; i++)
            {
                var e = write.Events[i];
                entries[i] = new SortedSetEntry(PersistentReprCodec.Encode(e), e.SequenceNr);
            }
            pending.Add(transaction.SortedSetAddAsync(_keys.Journal(write.PersistenceId), entries));
            if (!highest.TryGetValue(write.PersistenceId, out var h) || h < write.HighestSequenceNr)
                highest[write.PersistenceId] = write.HighestSequenceNr;
        }
        var ids = new RedisValue[highest.Count];
        var keys = new RedisKey[highest.Count];
        var values = new RedisValue[highest.Count];
        var a = 0;
        foreach (var (pid, seqNr) in highest)
        {
            ids[a] = pid;
            keys[a] = _keys.HighestSequenceNr(pid);
            values[a++] = seqNr;
        }
        pending.Add(transaction.SetAddAsync(_keys.PersistenceIds, ids));
        pending.Add(transaction.ScriptEvaluateAsync(RaiseHighestScript, keys, values));
        if (!await transaction.ExecuteAsync().ConfigureAwait(false))
            throw new InvalidOperationException("Redis refused the journal transaction (EXEC returned no result)");
        await Task.WhenAll(pending).ConfigureAwait(false);
        Interlocked.Increment(ref _transactions);
    }

    public async Task ReplayMessagesAsync(string persistenceId, long fromSequenceNr, long toSequenceNr, long max,
        Action<PersistentRepr> onReplayed, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onReplayed);
        await _migration.EnsureAsync().ConfigureAwait(false);
        var key = _keys.Journal(persistenceId);
        var from = fromSequenceNr;
        var remaining = max;
        while (remaining > 0 && from <= toSequenceNr)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var take = (int)Math.Min(remaining, ReplayPageSize);
            var page = await _db.SortedSetRangeByScoreAsync(key, from, toSequenceNr, Exclude.None, Order.Ascending, 0, take)
                .ConfigureAwait(false);
            foreach (var value in page)
            {
                var repr = PersistentReprCodec.Decode(persistenceId, (byte[])value!);
                onReplayed(repr);
                from = repr.SequenceNr + 1;
            }
            remaining -= page.Length;
            if (page.Length < take) break;
        }
    }

    public async Task<long> ReadHighestSequenceNrAsync(string persistenceId, long fromSequenceNr, CancellationToken cancellationToken = default)
    {
        await _migration.EnsureAsync().ConfigureAwait(false);
        var value = await _db.StringGetAsync(_keys.HighestSequenceNr(persistenceId)).ConfigureAwait(false);
        return value.IsNull ? 0L : (long)value;
    }

    public async Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken = default)
    {
        await _migration.EnsureAsync().ConfigureAwait(false);
        // The highest-seqNr string stays: a recovering actor must continue after the deleted events, not at 1.
        await _db.SortedSetRemoveRangeByScoreAsync(_keys.Journal(persistenceId), double.NegativeInfinity, toSequenceNr)
            .ConfigureAwait(false);
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
