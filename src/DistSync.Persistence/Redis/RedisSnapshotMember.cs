using System.Buffers.Binary;

namespace DistSync.Persistence.Redis;

/// <summary>
/// Member of a <c>snapshot:{pid}</c> sorted set: the snapshot's UTC ticks (int64 LE), then the CRC'd blob of
/// <see cref="Serialization.SnapshotBlobCodec"/>. The seqNr is the score. The timestamp sits in the member because a
/// sorted set has nowhere else to keep it; like SQLite's timestamp column it is outside the CRC, which guards the
/// payload. The layout is pinned by a test.
/// </summary>
internal static class RedisSnapshotMember
{
    public const int TimestampSize = 8;

    public static byte[] Encode(DateTimeOffset timestamp, byte[] blob)
    {
        var member = new byte[TimestampSize + blob.Length];
        BinaryPrimitives.WriteInt64LittleEndian(member, timestamp.UtcTicks);
        blob.CopyTo(member, TimestampSize);
        return member;
    }

    /// <summary>Splits a member; false when it is too short to hold a timestamp or its ticks are out of range.</summary>
    public static bool TryDecode(byte[] member, out DateTimeOffset timestamp, out byte[] blob)
    {
        timestamp = default;
        blob = [];
        if (member.Length < TimestampSize) return false;
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(member);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        timestamp = new DateTimeOffset(ticks, TimeSpan.Zero);
        blob = member[TimestampSize..];
        return true;
    }
}
