namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/produce</c> body: <c>key</c> routes to a partition (FIFO per key), none spreads over them;
/// <c>priority</c> 0..9 (9 first, default 0); <c>messageId</c> dedupes retries; <c>fence</c> rejects a stale lock holder.</summary>
public sealed record ProduceRequest(string? Queue, string? Payload, string? Key = null, int? Priority = null, string? MessageId = null, FenceToken? Fence = null);
