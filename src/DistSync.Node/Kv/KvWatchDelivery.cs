using System.Text;
using System.Text.Json;
using DistSync.Client;
using DistSync.Client.Contracts;
using DistSync.KeyValue;

namespace DistSync.Node.Kv;

/// <summary>
/// One change on its way to this node's watchers, with its SSE frame encoded at most once per form (with and without
/// the previous value) and shared by every watcher: the apply thread only allocates this wrapper, the encoding
/// happens on the first stream that writes it.
/// </summary>
public sealed class KvWatchDelivery(KvChange change)
{
    private byte[]? _plain;
    private byte[]? _withPrev;

    /// <summary>A change-less delivery that only wakes a stream (its position is before every real change).</summary>
    internal static KvWatchDelivery Wake { get; } = new(new KvChange(0, 0, KvChangeType.Put, "", null, 0, null, null, 0, 0));

    public KvChange Change { get; } = change;

    public byte[] Frame(bool prevValue)
    {
        ref var slot = ref prevValue ? ref _withPrev : ref _plain;
        var frame = Volatile.Read(ref slot);
        if (frame is not null) return frame;
        frame = Encode(Change, prevValue);
        Interlocked.CompareExchange(ref slot, frame, null);
        return frame;
    }

    /// <summary>The SSE frame of a change: <c>event: put|delete</c>, <c>id: {version}.{n}</c>, one data line.</summary>
    public static byte[] Encode(KvChange c, bool prevValue)
    {
        var type = c.Type == KvChangeType.Put ? "put" : "delete";
        var withPrev = prevValue && c.PrevValue is not null;
        var data = JsonSerializer.SerializeToUtf8Bytes(new KvWatchEvent(type, c.Key, c.Value, c.Version, c.CreateVersion, c.SessionId,
            withPrev ? c.PrevValue : null, withPrev ? c.PrevVersion : null), DistSyncJson.Options);
        var head = Encoding.UTF8.GetBytes($"event: {type}\nid: {c.Position}\ndata: ");
        var frame = new byte[head.Length + data.Length + 2];
        head.CopyTo(frame, 0);
        data.CopyTo(frame, head.Length);
        frame[^2] = (byte)'\n';
        frame[^1] = (byte)'\n';
        return frame;
    }
}
