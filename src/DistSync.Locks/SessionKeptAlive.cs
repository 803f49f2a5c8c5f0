namespace DistSync.Locks;

/// <summary>A keepalive was applied (200 <c>{"sessionId", "expiresInMs"}</c>).</summary>
public sealed record SessionKeptAlive(string SessionId, long ExpiresInMs) : LockCommandResult;
