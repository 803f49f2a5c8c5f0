namespace DistSync.Client.Contracts;

/// <summary>
/// The extension member of a 410 problem body from <c>GET /broadcast/read</c> (or subscribe): the asked
/// <c>from</c> is below the retained range, whose oldest message is <see cref="FirstSeq"/>.
/// </summary>
public sealed record BroadcastGoneResponse(long FirstSeq);
