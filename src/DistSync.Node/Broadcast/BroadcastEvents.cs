using System.Globalization;
using System.Text;
using System.Text.Json;
using DistSync.Client;
using BroadcastEvent = DistSync.Client.Contracts.BroadcastMessage;
using BroadcastMessage = DistSync.Broadcast.BroadcastMessage;

namespace DistSync.Node.Broadcast;

/// <summary>The Server-Sent Events encoding of a message (<c>id: seq</c>, <c>data: {json}</c>, blank line), and its
/// API.md JSON shape. A live message is encoded once per node, not once per subscriber.</summary>
public static class BroadcastEvents
{
    public static BroadcastEvent ToContract(BroadcastMessage m) => new(m.Seq, m.Term, m.Payload, m.ClientId, m.TimestampMs);

    public static byte[] Encode(BroadcastMessage message)
    {
        var json = JsonSerializer.Serialize(ToContract(message), DistSyncJson.Options);
        return Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"id: {message.Seq}\ndata: {json}\n\n"));
    }
}
