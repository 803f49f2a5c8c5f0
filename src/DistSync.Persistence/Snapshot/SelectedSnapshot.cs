namespace DistSync.Persistence.Snapshot;

/// <summary>A snapshot a load found: where it belongs and its (checksum-verified) serialized state.</summary>
public sealed record SelectedSnapshot(SnapshotMetadata Metadata, SerializedSnapshot Snapshot);
