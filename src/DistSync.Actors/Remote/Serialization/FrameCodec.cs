using System.Buffers.Binary;
using Google.Protobuf;

namespace DistSync.Actors.Remote.Serialization;

/// <summary>
/// Frames on a remoting connection: a 4-byte big-endian length, then one <c>RemoteEnvelope</c> in protobuf
/// wire format. The envelope is written field by field straight into the output span (the payload message
/// serialises itself in place), so encoding allocates nothing; the layout is exactly what the generated
/// <c>RemoteEnvelope</c> class reads and writes (a test checks both directions).
/// </summary>
public static class FrameCodec
{
    public const int LengthPrefixSize = 4;

    // Tags: (field number << 3) | wire type.
    private const byte RecipientTag = (1 << 3) | 2;
    private const byte SenderTag = (2 << 3) | 2;
    private const byte TypeIdTag = (3 << 3) | 0;
    private const byte PayloadTag = (4 << 3) | 2;
    private const byte CorrelationTag = (5 << 3) | 0;

    /// <summary>Size of the envelope body (without the length prefix).</summary>
    public static int MeasureEnvelope(int recipientLength, int senderLength, uint typeId, int payloadSize, ulong correlationId)
    {
        var size = 0;
        if (recipientLength > 0)
        {
            size += 1 + VarintSize((uint)recipientLength) + recipientLength;
        }

        if (senderLength > 0)
        {
            size += 1 + VarintSize((uint)senderLength) + senderLength;
        }

        if (typeId != 0)
        {
            size += 1 + VarintSize(typeId);
        }

        if (payloadSize > 0)
        {
            size += 1 + VarintSize((uint)payloadSize) + payloadSize;
        }

        if (correlationId != 0)
        {
            size += 1 + VarintSize(correlationId);
        }

        return size;
    }

    /// <summary>
    /// Writes one frame; returns false (writing nothing useful) when <paramref name="destination"/> is too
    /// small, so the caller flushes and retries with an empty buffer.
    /// </summary>
    /// <param name="payloadSize">the payload's <c>CalculateSize()</c>, measured once by the caller</param>
    public static bool TryWriteFrame(
        Span<byte> destination,
        ReadOnlySpan<byte> recipientUtf8,
        ReadOnlySpan<byte> senderUtf8,
        uint typeId,
        IMessage? payload,
        int payloadSize,
        ulong correlationId,
        out int written)
    {
        var bodySize = MeasureEnvelope(recipientUtf8.Length, senderUtf8.Length, typeId, payloadSize, correlationId);
        var total = LengthPrefixSize + bodySize;
        if (destination.Length < total)
        {
            written = 0;
            return false;
        }

        BinaryPrimitives.WriteInt32BigEndian(destination, bodySize);
        var pos = LengthPrefixSize;
        if (recipientUtf8.Length > 0)
        {
            destination[pos++] = RecipientTag;
            pos += WriteVarint(destination[pos..], (uint)recipientUtf8.Length);
            recipientUtf8.CopyTo(destination[pos..]);
            pos += recipientUtf8.Length;
        }

        if (senderUtf8.Length > 0)
        {
            destination[pos++] = SenderTag;
            pos += WriteVarint(destination[pos..], (uint)senderUtf8.Length);
            senderUtf8.CopyTo(destination[pos..]);
            pos += senderUtf8.Length;
        }

        if (typeId != 0)
        {
            destination[pos++] = TypeIdTag;
            pos += WriteVarint(destination[pos..], typeId);
        }

        if (payloadSize > 0)
        {
            destination[pos++] = PayloadTag;
            pos += WriteVarint(destination[pos..], (uint)payloadSize);
            payload!.WriteTo(destination.Slice(pos, payloadSize));
            pos += payloadSize;
        }

        if (correlationId != 0)
        {
            destination[pos++] = CorrelationTag;
            pos += WriteVarint(destination[pos..], correlationId);
        }

        written = pos;
        return true;
    }

    /// <summary>
    /// Reads the first frame of <paramref name="buffer"/>. On <see cref="FrameReadStatus.Frame"/>,
    /// <paramref name="consumed"/> is the frame's total size; on <see cref="FrameReadStatus.Malformed"/>,
    /// <paramref name="error"/> says why (declared length over <paramref name="maxFrameSize"/>, bad protobuf).
    /// </summary>
    public static FrameReadStatus TryReadFrame(
        ReadOnlySpan<byte> buffer,
        int maxFrameSize,
        out int consumed,
        out EnvelopeView envelope,
        out string? error)
    {
        consumed = 0;
        envelope = default;
        error = null;
        if (buffer.Length < LengthPrefixSize)
        {
            return FrameReadStatus.NeedMoreData;
        }

        var length = BinaryPrimitives.ReadInt32BigEndian(buffer);
        if (length <= 0 || length > maxFrameSize)
        {
            error = $"frame length {length} is outside 1..{maxFrameSize} (max-frame-size)";
            return FrameReadStatus.Malformed;
        }

        if (buffer.Length - LengthPrefixSize < length)
        {
            return FrameReadStatus.NeedMoreData;
        }

        if (!TryParseEnvelope(buffer.Slice(LengthPrefixSize, length), out envelope, out error))
        {
            return FrameReadStatus.Malformed;
        }

        consumed = LengthPrefixSize + length;
        return FrameReadStatus.Frame;
    }

    /// <summary>Decodes an envelope body; unknown fields are skipped (forward compatibility), broken wire data is an error.</summary>
    public static bool TryParseEnvelope(ReadOnlySpan<byte> body, out EnvelopeView envelope, out string? error)
    {
        ReadOnlySpan<byte> recipient = default;
        ReadOnlySpan<byte> sender = default;
        ReadOnlySpan<byte> payload = default;
        ulong typeId = 0;
        ulong correlation = 0;
        envelope = default;
        var pos = 0;
        while (pos < body.Length)
        {
            if (!TryReadVarint(body, ref pos, out var tag) || tag > uint.MaxValue || (tag >> 3) == 0)
            {
                error = "envelope has an invalid field tag";
                return false;
            }

            var field = (uint)(tag >> 3);
            var wireType = (int)(tag & 7);
            switch (wireType)
            {
                case 0:
                    if (!TryReadVarint(body, ref pos, out var number))
                    {
                        error = $"envelope field {field} has a truncated varint";
                        return false;
                    }

                    if (field == 3)
                    {
                        typeId = number;
                    }
                    else if (field == 5)
                    {
                        correlation = number;
                    }

                    break;
                case 2:
                    if (!TryReadVarint(body, ref pos, out var length) || length > (ulong)(body.Length - pos))
                    {
                        error = $"envelope field {field} has a length beyond the frame";
                        return false;
                    }

                    var bytes = body.Slice(pos, (int)length);
                    pos += (int)length;
                    switch (field)
                    {
                        case 1:
                            recipient = bytes;
                            break;
                        case 2:
                            sender = bytes;
                            break;
                        case 4:
                            payload = bytes;
                            break;
                    }

                    break;
                case 1:
                    if (body.Length - pos < 8)
                    {
                        error = $"envelope field {field} is truncated";
                        return false;
                    }

                    pos += 8;
                    break;
                case 5:
                    if (body.Length - pos < 4)
                    {
                        error = $"envelope field {field} is truncated";
                        return false;
                    }

                    pos += 4;
                    break;
                default:
                    error = $"envelope field {field} has unsupported wire type {wireType}";
                    return false;
            }
        }

        if (typeId == 0 || typeId > uint.MaxValue)
        {
            error = typeId == 0 ? "envelope has no type id" : $"envelope type id {typeId} is out of range";
            return false;
        }

        envelope = new EnvelopeView(recipient, sender, (uint)typeId, payload, correlation);
        error = null;
        return true;
    }

    public static int VarintSize(ulong value)
    {
        var size = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            size++;
        }

        return size;
    }

    private static int WriteVarint(Span<byte> destination, ulong value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> source, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= source.Length)
            {
                return false;
            }

            var b = source[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
