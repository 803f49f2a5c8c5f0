using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Actor;

/// <summary>Handed to <c>Recover&lt;SnapshotOffer&gt;</c> first when recovery found a snapshot; events after it follow.</summary>
public sealed record SnapshotOffer(SnapshotMetadata Metadata, object Snapshot);
