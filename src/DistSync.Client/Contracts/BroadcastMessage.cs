namespace DistSync.Client.Contracts;

/// <summary>
/// One message of a topic, as <c>GET /broadcast/read</c> lists it and each <c>GET /broadcast/subscribe</c> event
/// carries it: seqs of a topic are 1, 2, 3, … without gaps; <see cref="Term"/> is the Raft term of the leader that
/// ordered it and <see cref="TimestampMs"/> that leader's clock (Unix ms). <see cref="ClientId"/> is null or empty
/// when the publisher sent none.
/// </summary>
public sealed record BroadcastMessage(long Seq, long Term, string Payload, string? ClientId, long TimestampMs);
