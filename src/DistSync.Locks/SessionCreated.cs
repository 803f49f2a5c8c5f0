namespace DistSync.Locks;

/// <summary>A session was created (201 <c>{"sessionId", "ttlMs"}</c>); it expires at <see cref="ExpiresAtMs"/> log time unless kept alive.</summary>
public sealed record SessionCreated(string SessionId, long TtlMs, long ExpiresAtMs) : LockCommandResult;
