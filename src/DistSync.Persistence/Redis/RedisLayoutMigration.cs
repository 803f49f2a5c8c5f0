using System.Globalization;
using System.Text;
using Serilog;
using StackExchange.Redis;

namespace DistSync.Persistence.Redis;

/// <summary>
/// Moves data of DistSync's key layout before issue 11 (<see cref="LegacyRedisKeys"/>) into Akka.Persistence.Redis's
/// (<see cref="RedisKeys"/>), once, before an engine's first operation. Moving beats reading both layouts forever:
/// every read path stays a single key, and the old keys are gone after the first start.
/// <para>
/// Crash safety: each MULTI/EXEC moves whole persistence ids and deletes their old keys in the same transaction, so an
/// interrupted migration resumes where it stopped; moving an id twice changes nothing (a union of equal members,
/// a raise of the highest seqNr to a value it already has). The journal finds its ids in the old <c>jh</c> hash (O(1)
/// when there is none); the snapshot store has no such index and SCANs for <c>{node}:s:*</c> at each start.
/// </para>
/// </summary>
internal static class RedisLayoutMigration
{
    // Persistence ids per MULTI/EXEC: few transactions (each is an fsync with appendfsync always), bounded size.
    private const int JournalChunk = 256;

    public static async Task MigrateJournalAsync(IDatabase db, RedisKeys keys, LegacyRedisKeys legacy, ILogger log)
    {
        var old = await db.HashGetAllAsync(legacy.Highest).ConfigureAwait(false);
        if (old.Length == 0) return;
        log.Information("Redis journal {NodePrefix}: moving {Count} persistence ids from DistSync's old key layout " +
                        "({OldEvents}, {OldHighest}) into Akka.Persistence.Redis's ({NewEvents})",
            keys.NodePrefix, old.Length, legacy.Events("{pid}"), legacy.Highest, keys.Journal("{pid}"));
        long events = 0;
        foreach (var chunk in old.Chunk(JournalChunk))
        {
            var transaction = db.CreateTransaction();
            var unions = new List<Task<long>>(chunk.Length);
            var pending = new List<Task>(chunk.Length * 2 + 2);
            var ids = new RedisValue[chunk.Length];
            var highestKeys = new RedisKey[chunk.Length];
            var highest = new RedisValue[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                var pid = (string)chunk[i].Name!;
                var target = keys.Journal(pid);
                // Server-side union of the old set into the new one: members are the same codec bytes under the same
                // scores, so nothing is duplicated, and an old set already moved by someone else is simply empty.
                unions.Add(transaction.SortedSetCombineAndStoreAsync(SetOperation.Union, target,
                    new RedisKey[] { target, legacy.Events(pid) }, null, Aggregate.Max));
                pending.Add(transaction.KeyDeleteAsync(legacy.Events(pid)));
                pending.Add(transaction.HashDeleteAsync(legacy.Highest, chunk[i].Name));
                ids[i] = pid;
                highestKeys[i] = keys.HighestSequenceNr(pid);
                highest[i] = chunk[i].Value;
            }
            pending.Add(transaction.SetAddAsync(keys.PersistenceIds, ids));
            pending.Add(transaction.ScriptEvaluateAsync(RedisJournal.RaiseHighestScript, highestKeys, highest));
            if (!await transaction.ExecuteAsync().ConfigureAwait(false))
                throw new InvalidOperationException("Redis refused the journal layout migration transaction");
            await Task.WhenAll(pending).ConfigureAwait(false);
            foreach (var union in unions) events += await union.ConfigureAwait(false);
        }
        log.Information("Redis journal {NodePrefix}: moved {Count} persistence ids ({Events} events) to the new key layout",
            keys.NodePrefix, old.Length, events);
    }

    public static async Task MigrateSnapshotsAsync(ConnectionMultiplexer connection, IDatabase db, RedisKeys keys,
        LegacyRedisKeys legacy, ILogger log)
    {
        var stem = legacy.SnapshotIndexStem;
        var pattern = GlobEscape(stem) + "*";
        var pids = new List<string>();
        foreach (var server in connection.GetServers())
        {
            if (server.IsReplica || !server.IsConnected) continue;
            await foreach (var key in server.KeysAsync(db.Database, pattern, pageSize: 1000).ConfigureAwait(false))
                pids.Add(((string)key!)[stem.Length..]);
        }
        if (pids.Count == 0) return;
        log.Information("Redis snapshot store {NodePrefix}: moving snapshots of {Count} persistence ids from DistSync's old " +
                        "key layout ({OldIndex}, {OldBlobs}) into Akka.Persistence.Redis's ({NewKey})",
            keys.NodePrefix, pids.Count, legacy.SnapshotIndex("{pid}"), legacy.SnapshotBlobs("{pid}"), keys.Snapshots("{pid}"));
        var moved = 0;
        foreach (var pid in pids.Distinct(StringComparer.Ordinal))
            moved += await MoveSnapshotsAsync(db, keys, legacy, pid, log).ConfigureAwait(false);
        log.Information("Redis snapshot store {NodePrefix}: moved {Snapshots} snapshots to the new key layout", keys.NodePrefix, moved);
    }

    private static async Task<int> MoveSnapshotsAsync(IDatabase db, RedisKeys keys, LegacyRedisKeys legacy, string pid, ILogger log)
    {
        var index = legacy.SnapshotIndex(pid);
        var blobsKey = legacy.SnapshotBlobs(pid);
        // The pattern may also match a key of another node whose id extends ours ("n1:s…"); only a sorted set whose
        // members all read "seqNr:utcTicks", next to its blob hash, is an old index. Anything else is left alone.
        if (await db.KeyTypeAsync(index).ConfigureAwait(false) != RedisType.SortedSet
            || await db.KeyTypeAsync(blobsKey).ConfigureAwait(false) != RedisType.Hash)
        {
            log.Warning("Redis snapshot store {NodePrefix}: {Key} looks like an old snapshot index but has no blob hash; left alone",
                keys.NodePrefix, index);
            return 0;
        }
        var members = await db.SortedSetRangeByRankAsync(index).ConfigureAwait(false);
        var blobs = (await db.HashGetAllAsync(blobsKey).ConfigureAwait(false))
            .ToDictionary(e => (long)e.Name, e => (byte[])e.Value!);
        var snapshots = new List<(long SeqNr, byte[] Member)>(members.Length);
        foreach (var member in members)
        {
            if (!TryParseOldIndexMember((string)member!, out var seqNr, out var ticks))
            {
                log.Warning("Redis snapshot store {NodePrefix}: {Key} holds '{Member}', not an old index member; left alone",
                    keys.NodePrefix, index, (string?)member);
                return 0;
            }
            if (blobs.TryGetValue(seqNr, out var blob))
                snapshots.Add((seqNr, RedisSnapshotMember.Encode(new DateTimeOffset(ticks, TimeSpan.Zero), blob)));
        }
        var target = keys.Snapshots(pid);
        var transaction = db.CreateTransaction();
        // Another engine of this node may be moving the same id right now: only one EXEC finds the old index.
        transaction.AddCondition(Condition.KeyExists(index));
        var pending = new List<Task>(snapshots.Count * 2 + 1);
        foreach (var (seqNr, member) in snapshots)
        {
            pending.Add(transaction.SortedSetRemoveRangeByScoreAsync(target, seqNr, seqNr));
            pending.Add(transaction.SortedSetAddAsync(target, member, seqNr));
        }
        pending.Add(transaction.KeyDeleteAsync(new RedisKey[] { index, blobsKey }));
        if (!await transaction.ExecuteAsync().ConfigureAwait(false)) return 0; // moved by the other one
        await Task.WhenAll(pending).ConfigureAwait(false);
        return snapshots.Count;
    }

    private static bool TryParseOldIndexMember(string member, out long seqNr, out long ticks)
    {
        seqNr = 0;
        ticks = 0;
        var colon = member.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
               && long.TryParse(member.AsSpan(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out seqNr)
               && long.TryParse(member.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out ticks)
               && ticks <= DateTimeOffset.MaxValue.UtcTicks;
    }

    // SCAN MATCH is a glob: a prefix holding * ? [ ] or \ must match only itself.
    private static string GlobEscape(string literal)
    {
        var sb = new StringBuilder(literal.Length + 4);
        foreach (var c in literal)
        {
            if (c is '*' or '?' or '[' or ']' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.ToString();
    }
}
