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
        var blob = new byte[BlobLength(snapshot.Payload.Length)];
        var span = blob.AsSpan();
        WriteHeader(span[..HeaderSize], snapshot.TypeId, snapshot.Payload.Length);
        snapshot.Payload.CopyTo(span[HeaderSize..]);
        WriteTrailer(span[^TrailerSize..], span[..HeaderSize], snapshot.Payload);
        return blob;
    }

    /// <summary>Bytes of the frame's header, written before the payload.</summary>
    public const int HeaderLength = HeaderSize;

    /// <summary>Bytes of the frame's trailer (the checksum), written after the payload.</summary>
    public const int TrailerLength = TrailerSize;

    /// <summary>The stored length of a payload of <paramref name="payloadLength"/> bytes.</summary>
    public static long BlobLength(int payloadLength) => (long)HeaderSize + payloadLength + TrailerSize;

    /// <summary>Writes the <see cref="HeaderLength"/> bytes before a payload (a store that writes the blob in pieces
    /// needs no copy of the payload).</summary>
    public static void WriteHeader(Span<byte> header, int typeId, int payloadLength)
    {
        Magic.CopyTo(header);
        header[3] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], typeId);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], payloadLength);
    }

    /// <summary>Writes the <see cref="TrailerLength"/> bytes after the payload: the checksum of header and payload.</summary>
    public static void WriteTrailer(Span<byte> trailer, ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.WriteUInt32LittleEndian(trailer, Crc32C.Finish(Crc32C.Append(Crc32C.Append(Crc32C.Start, header), payload)));

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
