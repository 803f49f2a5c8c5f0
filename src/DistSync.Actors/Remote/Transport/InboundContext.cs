namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// Per inbound connection: the peer's address and a one-entry cache of the last recipient and sender
/// resolved from path bytes, so a stream of messages to the same actor decodes without allocating.
/// Touched only by that connection's read loop.
/// </summary>
public sealed class InboundContext
{
    internal InboundContext(Address remote, ulong remoteUid)
    {
        Remote = remote;
        RemoteUid = remoteUid;
    }

    public Address Remote { get; }

    public ulong RemoteUid { get; }

    public byte[]? LastRecipientUtf8 { get; set; }

    public IActorRef? LastRecipient { get; set; }

    public byte[]? LastSenderUtf8 { get; set; }

    public IActorRef? LastSender { get; set; }
}
