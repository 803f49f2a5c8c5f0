namespace DistSync.Persistence.Snapshot;

/// <summary>Identifies one stored snapshot: the state of <see cref="PersistenceId"/> after event <see cref="SequenceNr"/>.</summary>
public sealed record SnapshotMetadata(string PersistenceId, long SequenceNr, DateTimeOffset Timestamp);
