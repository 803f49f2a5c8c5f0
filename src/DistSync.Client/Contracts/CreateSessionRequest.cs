namespace DistSync.Client.Contracts;

/// <summary><c>POST /session</c> body; <c>ttlMs</c> defaults to 10000.</summary>
public sealed record CreateSessionRequest(long? TtlMs, string? ClientId = null);
