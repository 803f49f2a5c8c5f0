using System.Threading.Channels;
using DistSync.KeyValue;

namespace DistSync.Node.Kv;

/// <summary>
/// One live watch on this node: the changes of its range, handed over by the meta group's apply thread through a
/// bounded channel. The apply thread never waits: when the channel is full the watcher is marked overflowed and its
/// stream catches up from the replica's watch history instead, so a slow watcher never slows Raft down and never
/// sees a gap.
/// </summary>
public sealed class KvWatcher
{
    private readonly Channel<KvWatchDelivery> _channel;
    private int _overflowed;

    public KvWatcher(KvKeyRange range, bool prevValue, int buffer)
    {
        Range = range;
        PrevValue = prevValue;
        _channel = Channel.CreateBounded<KvWatchDelivery>(new BoundedChannelOptions(buffer)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public KvKeyRange Range { get; }

    public bool PrevValue { get; }

    public ChannelReader<KvWatchDelivery> Reader => _channel.Reader;

    /// <summary>Called on the apply thread; never blocks. Once a change did not fit, nothing more is buffered until the
    /// stream has taken the overflow, so what the channel holds is always a gapless run and the history read that
    /// follows starts exactly at the first change that was left out.</summary>
    internal void Offer(KvWatchDelivery delivery)
    {
        if (Volatile.Read(ref _overflowed) == 1) return;
        if (!_channel.Writer.TryWrite(delivery)) Volatile.Write(ref _overflowed, 1);
    }

    /// <summary>True once since the last call if a change could not be buffered (or the state was replaced): the
    /// stream must re-read the history from its position. Call it only once the channel is drained.</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;

    internal void MarkOverflow()
    {
        Volatile.Write(ref _overflowed, 1);
        // Wake an idle stream so it re-reads now, not at its next keep-alive; it skips the sentinel by position.
        _channel.Writer.TryWrite(KvWatchDelivery.Wake);
    }

    /// <summary>Ends the watch (the node stops): the stream sees the channel complete.</summary>
    internal void End() => _channel.Writer.TryComplete();
}
