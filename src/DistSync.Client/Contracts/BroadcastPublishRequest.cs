namespace DistSync.Client.Contracts;

/// <summary>
/// <c>POST /broadcast/publish</c> body. A repeat of (<c>clientId</c>, <c>clientSeq</c>) on the same topic stores
/// nothing new and answers the first seq, so a publisher that lost the answer retries with the same pair.
/// </summary>
public sealed record BroadcastPublishRequest(string? Topic, string? Payload, string? ClientId = null, long ClientSeq = 0);
