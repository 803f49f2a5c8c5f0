using System.Buffers.Binary;
using System.Text;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Stored form of a payload that is not in the registry (type id <see cref="Serialization.PersistenceTypeIds.AkkaSerialized"/>):
/// format 2, the Akka serializer id (int32 LE), the manifest length (int32 LE) and UTF-8 bytes, then the serializer's
/// bytes. Registry types never take this path, so rows written before the move keep their plain form.
/// </summary>
internal static class PayloadEnvelope
{
    public const byte FormatVersion = 2;
    private const int HeaderSize = 1 + 4 + 4;

    public static byte[] Encode(int serializerId, string manifest, byte[] payload)
    {
        var manifestBytes = Encoding.UTF8.GetBytes(manifest);
        var value = new byte[HeaderSize + manifestBytes.Length + payload.Length];
        var span = value.AsSpan();
        span[0] = FormatVersion;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], serializerId);
        BinaryPrimitives.WriteInt32LittleEndian(span[5..], manifestBytes.Length);
        manifestBytes.CopyTo(span[HeaderSize..]);
        payload.CopyTo(span[(HeaderSize + manifestBytes.Length)..]);
        return value;
    }

    public static (int SerializerId, string Manifest, byte[] Payload) Decode(ReadOnlySpan<byte> value)
    {
        if (value.Length < HeaderSize) throw new InvalidDataException($"payload envelope of {value.Length} bytes is shorter than its {HeaderSize}-byte header");
        if (value[0] != FormatVersion) throw new InvalidDataException($"unknown payload envelope format {value[0]}");
        var serializerId = BinaryPrimitives.ReadInt32LittleEndian(value[1..]);
        var manifestLength = BinaryPrimitives.ReadInt32LittleEndian(value[5..]);
        if (manifestLength < 0 || manifestLength > value.Length - HeaderSize)
            throw new InvalidDataException($"payload envelope names a {manifestLength}-byte manifest in {value.Length} bytes");
        var manifest = Encoding.UTF8.GetString(value.Slice(HeaderSize, manifestLength));
        return (serializerId, manifest, value[(HeaderSize + manifestLength)..].ToArray());
    }
}
