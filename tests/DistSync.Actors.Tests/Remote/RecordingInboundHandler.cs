using System.Collections.Concurrent;
using System.Text;
using DistSync.Actors.Remote.Transport;
using Google.Protobuf;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Transport handler for transport-level specs: remembers everything it is given.</summary>
internal sealed class RecordingInboundHandler : IRemoteInboundHandler
{
    public ConcurrentQueue<(string Recipient, string Sender, IMessage Message, Address From)> Messages { get; } = new();

    public ConcurrentQueue<(Address From, uint TypeId, IMessage Message)> Controls { get; } = new();

    public ConcurrentQueue<Address> Associated { get; } = new();

    public ConcurrentQueue<Address> Disassociated { get; } = new();

    public void OnMessage(InboundContext context, ReadOnlySpan<byte> recipientUtf8, ReadOnlySpan<byte> senderUtf8, IMessage message) =>
        Messages.Enqueue((Encoding.UTF8.GetString(recipientUtf8), Encoding.UTF8.GetString(senderUtf8), message, context.Remote));

    public void OnControl(Address from, uint typeId, IMessage message) => Controls.Enqueue((from, typeId, message));

    public void OnAssociated(Address peer, ulong peerUid) => Associated.Enqueue(peer);

    public void OnDisassociated(Address peer) => Disassociated.Enqueue(peer);
}
