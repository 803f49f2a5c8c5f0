using DistSync.Broadcast;

namespace DistSync.Node.Broadcast;

/// <summary>A live message handed to a node's subscribers, with its SSE bytes encoded once for all of them.</summary>
public sealed record BroadcastDelivery(BroadcastMessage Message, byte[] Event);
