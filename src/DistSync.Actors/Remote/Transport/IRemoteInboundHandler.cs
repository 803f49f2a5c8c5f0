using Google.Protobuf;

namespace DistSync.Actors.Remote.Transport;

/// <summary>
/// What the transport calls with decoded inbound traffic and association changes. Called on the socket
/// loops: implementations must not block (enqueue into mailboxes, publish events, return).
/// </summary>
public interface IRemoteInboundHandler
{
    /// <summary>A user message for a local actor. The spans are valid only during the call.</summary>
    void OnMessage(InboundContext context, ReadOnlySpan<byte> recipientUtf8, ReadOnlySpan<byte> senderUtf8, IMessage message);

    /// <summary>A control message (type id 1-99) other than handshake and heartbeat, which the transport answers itself.</summary>
    void OnControl(Address from, uint typeId, IMessage message);

    /// <summary>An outbound association to <paramref name="peer"/> completed its handshake.</summary>
    void OnAssociated(Address peer, ulong peerUid);

    /// <summary>The outbound connection to <paramref name="peer"/> was lost (it reconnects by itself).</summary>
    void OnDisassociated(Address peer);
}
