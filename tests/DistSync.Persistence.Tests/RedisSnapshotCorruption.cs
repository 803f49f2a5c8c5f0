using StackExchange.Redis;

namespace DistSync.Persistence.Tests;

/// <summary>Bit rot under the Redis snapshot store: flips one byte inside the CRC'd blob of a stored snapshot.</summary>
internal static class RedisSnapshotCorruption
{
    // The member is 8 bytes of timestamp followed by the blob; the flipped byte is in the middle of the blob.
    public static async Task FlipBlobByteAsync(IDatabase db, string snapshotKey, long sequenceNr)
    {
        var members = await db.SortedSetRangeByScoreAsync(snapshotKey, sequenceNr, sequenceNr);
        var member = members.Length == 1
            ? (byte[])members[0]!
            : throw new InvalidOperationException($"expected one snapshot at {snapshotKey}#{sequenceNr}, found {members.Length}");
        var corrupt = (byte[])member.Clone();
        corrupt[8 + (corrupt.Length - 8) / 2] ^= 0xFF;
        var transaction = db.CreateTransaction();
        _ = transaction.SortedSetRemoveAsync(snapshotKey, member);
        _ = transaction.SortedSetAddAsync(snapshotKey, corrupt, sequenceNr);
        if (!await transaction.ExecuteAsync()) throw new InvalidOperationException("corrupting the snapshot failed");
    }
}
