namespace DistSync.Locks;

/// <summary>The session's hold was released (200 <c>{"released": true}</c>).</summary>
public sealed record LockReleased(string Resource) : LockCommandResult;
