using System.Buffers.Binary;
using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Serialization;

/// <summary>
/// Stored form of a snapshot: "DSS" magic, format version 1, type id (int32 LE), payload length (int32 LE),
/// payload, CRC-32C (uint32 LE) of everything before it. The layout is pinned by a test.
/// </summary>
public static class SnapshotBlobCodec
{
    public const byte FormatVersion = 1;
    private const int HeaderSize = 3 + 1 + 4 + 4;
    private const int TrailerSize = 4;
    private static ReadOnlySpan<byte> Magic => "DSS"u8;

    public static byte[] Encode(SerializedSnapshot snapshot)
    {
        var blob = new byte[HeaderSize + snapshot.Payload.Length + TrailerSize];
        var span = blob.AsSpan();
        Magic.CopyTo(span);
        span[3] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], snapshot.TypeId);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], snapshot.Payload.Length);
        snapshot.Payload.CopyTo(span[HeaderSize..]);
        var crc = Crc32C.Compute(span[..^TrailerSize]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[^TrailerSize..], crc);
        return blob;
    }

    /// <summary>Decodes a blob; false with a reason when it is truncated, of an unknown version or fails its checksum.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> blob, out SerializedSnapshot? snapshot, out string? error)
    {
        snapshot = null;
        if (blob.Length < HeaderSize + TrailerSize) { error = $"blob of {blob.Length} bytes is shorter than the {HeaderSize + TrailerSize}-byte frame"; return false; }
        if (!blob[..3].SequenceEqual(Magic)) { error = "blob does not start with the DSS magic"; return false; }
        if (blob[3] != FormatVersion) { error = $"unknown snapshot format version {blob[3]}"; return false; }
        var length = BinaryPrimitives.ReadInt32LittleEndian(blob[8..]);
        if (length < 0 || length != blob.Length - HeaderSize - TrailerSize) { error = $"payload length {length} does not match a blob of {blob.Length} bytes"; return false; }
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(blob[^TrailerSize..]);
        var actual = Crc32C.Compute(blob[..^TrailerSize]);
        if (expected != actual) { error = $"checksum mismatch (stored {expected:x8}, computed {actual:x8})"; return false; }
        var typeId = BinaryPrimitives.ReadInt32LittleEndian(blob[4..]);
        snapshot = new SerializedSnapshot(typeId, blob.Slice(HeaderSize, length).ToArray());
        error = null;
        return true;
    }
}
