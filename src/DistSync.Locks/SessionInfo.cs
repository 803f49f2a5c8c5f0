namespace DistSync.Locks;

/// <summary>A live session: it expires at <see cref="ExpiresAtMs"/> log time unless a keepalive moves that on.</summary>
public sealed record SessionInfo(string SessionId, string ClientId, long TtlMs, long ExpiresAtMs, long CreatedIndex);
