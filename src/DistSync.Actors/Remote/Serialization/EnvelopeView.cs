namespace DistSync.Actors.Remote.Serialization;

/// <summary>
/// A decoded <c>RemoteEnvelope</c> whose strings and payload still point into the receive buffer,
/// so dispatch can look up cached refs by bytes without allocating. Valid only until the buffer is reused.
/// </summary>
public readonly ref struct EnvelopeView
{
    public EnvelopeView(ReadOnlySpan<byte> recipientUtf8, ReadOnlySpan<byte> senderUtf8, uint typeId, ReadOnlySpan<byte> payload, ulong correlationId)
    {
        RecipientUtf8 = recipientUtf8;
        SenderUtf8 = senderUtf8;
        TypeId = typeId;
        Payload = payload;
        CorrelationId = correlationId;
    }

    public ReadOnlySpan<byte> RecipientUtf8 { get; }

    public ReadOnlySpan<byte> SenderUtf8 { get; }

    public uint TypeId { get; }

    public ReadOnlySpan<byte> Payload { get; }

    public ulong CorrelationId { get; }
}
