namespace DistSync.Locks;

/// <summary>
/// A session ended in this entry. Its locks and waits are already gone; other services (queues, broadcast) hook
/// here to return leased messages and end subscriptions in the same entry.
/// </summary>
public sealed record SessionEnded(string SessionId, SessionEndReason Reason);
