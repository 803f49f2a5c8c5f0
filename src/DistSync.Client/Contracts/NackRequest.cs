namespace DistSync.Client.Contracts;

/// <summary><c>POST /queue/nack</c> body: return leased messages, ready again after <c>delayMs</c> (default 0).</summary>
public sealed record NackRequest(string? Queue, IReadOnlyList<string>? Receipts, long? DelayMs = null);
