namespace DistSync.Persistence.Snapshot;

/// <summary>Which snapshots a load or delete considers (bounds are inclusive).</summary>
public sealed record SnapshotSelectionCriteria(
    long MaxSequenceNr,
    DateTimeOffset MaxTimestamp,
    long MinSequenceNr = 0,
    DateTimeOffset MinTimestamp = default)
{
    /// <summary>Every snapshot; a load picks the newest.</summary>
    public static SnapshotSelectionCriteria Latest { get; } = new(long.MaxValue, DateTimeOffset.MaxValue);

    /// <summary>No snapshot at all (recovery replays the journal from the start).</summary>
    public static SnapshotSelectionCriteria None { get; } = new(0, DateTimeOffset.MinValue);

    public bool Matches(SnapshotMetadata metadata) =>
        metadata.SequenceNr <= MaxSequenceNr && metadata.SequenceNr >= MinSequenceNr &&
        metadata.Timestamp <= MaxTimestamp && metadata.Timestamp >= MinTimestamp;
}
