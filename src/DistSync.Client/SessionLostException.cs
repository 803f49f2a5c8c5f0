namespace DistSync.Client;

/// <summary>
/// A recipe (election, barrier) waited on a <see cref="DistSyncSession"/> that was lost meanwhile, or whose key the
/// store deleted because the session ended: what it held or awaited is gone. <see cref="Exception.InnerException"/>
/// is the session's <see cref="DistSyncSession.LostReason"/> when there is one.
/// </summary>
public sealed class SessionLostException(string sessionId, string message, Exception? reason = null)
    : Exception($"session '{sessionId}' lost: {message}", reason)
{
    public string SessionId { get; } = sessionId;
}
