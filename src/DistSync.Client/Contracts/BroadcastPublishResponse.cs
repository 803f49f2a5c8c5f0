namespace DistSync.Client.Contracts;

/// <summary><c>POST /broadcast/publish</c> answer (201): the seq the topic gave the message, the same on every node.</summary>
public sealed record BroadcastPublishResponse(string Topic, long Seq);
