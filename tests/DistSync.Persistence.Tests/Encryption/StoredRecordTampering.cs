using DistSync.Persistence.Redis;
using DistSync.Persistence.Serialization;
using DistSync.Persistence.Tests.Plugins;
using DistSync.Security;
using Microsoft.Data.Sqlite;
using StackExchange.Redis;

namespace DistSync.Persistence.Tests.Encryption;

/// <summary>
/// Alters stored records under a backend the way an attacker with the data directory (or the Redis server) would:
/// one byte of ciphertext, and for snapshots the CRC recomputed so the store's own integrity check passes.
/// </summary>
internal static class StoredRecordTampering
{
    // The first byte of the event's own bytes: past the sealed record's version, key id and nonce, and the sealed
    // inner type id, so a decryption that skipped the tag would hand back a readable but altered event.
    private const int CiphertextByte = DataKeyring.HeaderBytes + 4;

    public static async Task FlipJournalCiphertextAsync(PluginBackend backend, string persistenceId, long sequenceNr)
    {
        switch (backend.Name)
        {
            case "sqlite":
                using (var connection = Open(backend))
                {
                    var changed = 0;
                    // The event is in the append table until a merge moves it to the keyed one: alter it wherever it is.
                    foreach (var table in new[] { "journal_recent", "journal" })
                    {
                        using var read = connection.CreateCommand();
                        read.CommandText = $"SELECT payload FROM {table} WHERE persistence_id = $pid AND sequence_nr = $seq;";
                        read.Parameters.AddWithValue("$pid", persistenceId);
                        read.Parameters.AddWithValue("$seq", sequenceNr);
                        if (read.ExecuteScalar() is not byte[] payload) continue;
                        payload[CiphertextByte] ^= 0x01;
                        using var write = connection.CreateCommand();
                        write.CommandText = $"UPDATE {table} SET payload = $payload WHERE persistence_id = $pid AND sequence_nr = $seq;";
                        write.Parameters.AddWithValue("$payload", payload);
                        write.Parameters.AddWithValue("$pid", persistenceId);
                        write.Parameters.AddWithValue("$seq", sequenceNr);
                        changed += write.ExecuteNonQuery();
                    }
                    if (changed == 0) throw new InvalidOperationException($"no journal row {persistenceId}#{sequenceNr}");
                }
                break;
            case "redis":
                await ReplaceMemberAsync(backend, new RedisKeys(backend.Settings.RedisNodePrefix).Journal(persistenceId), sequenceNr, member =>
                {
                    member[PersistentReprCodec.HeaderSize + CiphertextByte] ^= 0x01;
                    return member;
                });
                break;
            default:
                lock (backend.Storage!.Gate) backend.Storage.Events[persistenceId][sequenceNr].Payload[CiphertextByte] ^= 0x01;
                break;
        }
    }

    public static async Task FlipSnapshotCiphertextKeepingCrcAsync(PluginBackend backend, string persistenceId, long sequenceNr)
    {
        switch (backend.Name)
        {
            case "sqlite":
                using (var connection = Open(backend))
                {
                    using var read = connection.CreateCommand();
                    read.CommandText = "SELECT blob FROM snapshot WHERE persistence_id = $pid AND sequence_nr = $seq;";
                    read.Parameters.AddWithValue("$pid", persistenceId);
                    read.Parameters.AddWithValue("$seq", sequenceNr);
                    var blob = read.ExecuteScalar() as byte[] ?? throw new InvalidOperationException($"no snapshot {persistenceId}#{sequenceNr}");
                    using var write = connection.CreateCommand();
                    write.CommandText = "UPDATE snapshot SET blob = $blob WHERE persistence_id = $pid AND sequence_nr = $seq;";
                    write.Parameters.AddWithValue("$blob", Reframed(blob));
                    write.Parameters.AddWithValue("$pid", persistenceId);
                    write.Parameters.AddWithValue("$seq", sequenceNr);
                    write.ExecuteNonQuery();
                }
                break;
            case "redis":
                await ReplaceMemberAsync(backend, new RedisKeys(backend.Settings.RedisNodePrefix).Snapshots(persistenceId), sequenceNr, member =>
                {
                    Assert.True(RedisSnapshotMember.TryDecode(member, out var timestamp, out var blob));
                    return RedisSnapshotMember.Encode(timestamp, Reframed(blob));
                });
                break;
            default:
                lock (backend.Storage!.Gate)
                {
                    var list = backend.Storage.Snapshots[persistenceId];
                    var (metadata, blob) = list[sequenceNr];
                    list[sequenceNr] = (metadata, Reframed(blob));
                }
                break;
        }
    }

    /// <summary>Every byte Redis holds under the backend's node prefix: key names and values of every type.</summary>
    public static async Task<List<byte[]>> RawRedisValuesAsync(PluginBackend backend)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(backend.Settings.RedisConfiguration);
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var db = connection.GetDatabase();
        var values = new List<byte[]>();
        await foreach (var key in server.KeysAsync(pattern: backend.Settings.RedisNodePrefix + ":*"))
        {
            values.Add((byte[])key!);
            switch (await db.KeyTypeAsync(key))
            {
                case RedisType.SortedSet:
                    values.AddRange((await db.SortedSetRangeByRankAsync(key)).Select(v => (byte[])v!));
                    break;
                case RedisType.String:
                    values.Add((byte[])(await db.StringGetAsync(key))!);
                    break;
                case RedisType.Hash:
                    values.AddRange((await db.HashGetAllAsync(key)).SelectMany(e => new[] { (byte[])e.Name!, (byte[])e.Value! }));
                    break;
                case RedisType.Set:
                    values.AddRange((await db.SetMembersAsync(key)).Select(v => (byte[])v!));
                    break;
                case RedisType.List:
                    values.AddRange((await db.ListRangeAsync(key)).Select(v => (byte[])v!));
                    break;
                default:
                    throw new InvalidOperationException($"unexpected Redis type at {key}");
            }
        }
        return values;
    }

    // A ciphertext byte of the snapshot flipped, and the blob's CRC computed again over the altered bytes.
    private static byte[] Reframed(byte[] blob)
    {
        Assert.True(SnapshotBlobCodec.TryDecode(blob, out var snapshot, out var error), error);
        Assert.Equal(PersistenceTypeIds.EncryptedPayload, snapshot!.TypeId);
        var payload = (byte[])snapshot.Payload.Clone();
        payload[CiphertextByte] ^= 0x01;
        return SnapshotBlobCodec.Encode(new Snapshot.SerializedSnapshot(snapshot.TypeId, payload));
    }

    private static async Task ReplaceMemberAsync(PluginBackend backend, string key, long score, Func<byte[], byte[]> alter)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(backend.Settings.RedisConfiguration);
        var db = connection.GetDatabase();
        var members = await db.SortedSetRangeByScoreAsync(key, score, score);
        var member = members.Length == 1 ? (byte[])members[0]! : throw new InvalidOperationException($"expected one member at {key}#{score}, found {members.Length}");
        var transaction = db.CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(key, member);
        _ = transaction.SortedSetAddAsync(key, alter((byte[])member.Clone()), score);
        if (!await transaction.ExecuteAsync()) throw new InvalidOperationException($"altering {key}#{score} failed");
    }

    private static SqliteConnection Open(PluginBackend backend)
    {
        var connection = new SqliteConnection($"Data Source={backend.Settings.SqlitePath};Pooling=False");
        connection.Open();
        return connection;
    }
}
