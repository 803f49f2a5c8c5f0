namespace DistSync.Client.Contracts;

/// <summary><c>POST /lock/acquire</c> body. <c>mode</c> is "shared" or "exclusive" (default exclusive); <c>waitMs</c> 0 (default) is try-lock; <c>txnId</c> defaults to the session.</summary>
public sealed record AcquireRequest(string? Resource, string? SessionId, string? Mode = null, long? WaitMs = null, string? TxnId = null);
