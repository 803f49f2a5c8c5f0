namespace DistSync.Persistence.Actor;

/// <summary>Sent to a persistent actor when deleting its events up to <see cref="ToSequenceNr"/> failed.</summary>
public sealed record DeleteMessagesFailure(long ToSequenceNr, Exception Cause);
