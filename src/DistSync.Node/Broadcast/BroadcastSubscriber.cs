using System.Threading.Channels;
using DistSync.Broadcast;

namespace DistSync.Node.Broadcast;

/// <summary>
/// One live subscription on this node: the messages its topic publishes, handed over by the meta group's apply thread
/// through a bounded channel. The apply thread never waits: when the channel is full the subscriber is marked
/// overflowed and catches up from the node's applied state instead (so a slow reader never slows Raft down and
/// never sees a gap).
/// </summary>
public sealed class BroadcastSubscriber
{
    private readonly Channel<BroadcastMessage> channel;
    private int overflowed;

    public BroadcastSubscriber(string topic, string? sessionId, int buffer)
    {
        Topic = topic;
        SessionId = sessionId;
        channel = Channel.CreateBounded<BroadcastMessage>(new BoundedChannelOptions(buffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public string Topic { get; }

    /// <summary>The session the subscription is bound to (it ends with it), or null.</summary>
    public string? SessionId { get; }

    public ChannelReader<BroadcastMessage> Reader => channel.Reader;

    /// <summary>Called on the apply thread; never blocks.</summary>
    internal void Offer(BroadcastMessage message)
    {
        if (!channel.Writer.TryWrite(message)) Volatile.Write(ref overflowed, 1);
    }

    /// <summary>True once since the last call if a message could not be buffered (or the state was replaced):
    /// the reader must re-read from its next seq.</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref overflowed, 0) == 1;

    internal void MarkOverflow() => Volatile.Write(ref overflowed, 1);

    /// <summary>Ends the subscription (session ended, node stopping): the reader sees the channel complete.</summary>
    internal void End() => channel.Writer.TryComplete();
}
