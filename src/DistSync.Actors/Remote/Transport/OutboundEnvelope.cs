using Google.Protobuf;

namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// One message waiting in a peer's outbound queue. Serialisation happens on the association's writer, so
/// the sending actor pays only for the enqueue; path bytes are cached UTF-8 owned by the refs.
/// </summary>
public readonly struct OutboundEnvelope
{
    public OutboundEnvelope(byte[] recipientUtf8, byte[]? senderUtf8, uint typeId, IMessage message, ulong correlationId = 0)
    {
        RecipientUtf8 = recipientUtf8;
        SenderUtf8 = senderUtf8;
        TypeId = typeId;
        Message = message;
        CorrelationId = correlationId;
    }

    public byte[] RecipientUtf8 { get; }

    public byte[]? SenderUtf8 { get; }

    public uint TypeId { get; }

    public IMessage Message { get; }

    public ulong CorrelationId { get; }
}
