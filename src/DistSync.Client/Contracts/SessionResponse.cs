namespace DistSync.Client.Contracts;

/// <summary><c>POST /session</c> answer (201).</summary>
public sealed record SessionResponse(string SessionId, long TtlMs);
