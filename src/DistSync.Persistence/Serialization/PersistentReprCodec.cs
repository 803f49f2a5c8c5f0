using System.Buffers.Binary;
using DistSync.Persistence.Journal;

namespace DistSync.Persistence.Serialization;

/// <summary>
/// Stored form of one event where a backend keeps a single value per event (Redis): format version 1,
/// sequence number (int64 LE), type id (int32 LE), payload. The persistence id lives in the key.
/// The layout is pinned by a test.
/// </summary>
public static class PersistentReprCodec
{
    public const byte FormatVersion = 1;
    public const int HeaderSize = 1 + 8 + 4;

    public static byte[] Encode(PersistentRepr repr)
    {
        var value = new byte[HeaderSize + repr.Payload.Length];
        var span = value.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteInt64LittleEndian(span[1..], repr.SequenceNr);
        BinaryPrimitives.WriteInt32LittleEndian(span[9..], repr.TypeId);
        repr.Payload.CopyTo(span[HeaderSize..]);
        return value;
    }

    public static PersistentRepr Decode(string persistenceId, ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize)
            throw new InvalidDataException($"stored event of '{persistenceId}' has {value.Length} bytes, fewer than the {HeaderSize}-byte header");
        if (value[0] != FormatVersion)
            throw new InvalidDataException($"stored event of '{persistenceId}' has unknown format version {value[0]}");
        var seqNr = BinaryPrimitives.ReadInt64LittleEndian(value[1..]);
        var typeId = BinaryPrimitives.ReadInt32LittleEndian(value[9..]);
        return new PersistentRepr(persistenceId, seqNr, typeId, value[HeaderSize..].ToArray());
    }
}
