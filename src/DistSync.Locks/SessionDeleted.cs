namespace DistSync.Locks;

/// <summary>A session was deleted (204); its locks were released and its waits cancelled in the same entry.</summary>
public sealed record SessionDeleted(string SessionId) : LockCommandResult;
