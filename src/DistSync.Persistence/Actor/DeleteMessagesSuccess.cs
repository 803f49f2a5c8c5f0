namespace DistSync.Persistence.Actor;

/// <summary>Sent to a persistent actor when its events up to <see cref="ToSequenceNr"/> are deleted.</summary>
public sealed record DeleteMessagesSuccess(long ToSequenceNr);
