using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Actor;

/// <summary>Sent to a persistent actor when the snapshots matching <see cref="Criteria"/> are deleted.</summary>
public sealed record DeleteSnapshotsSuccess(SnapshotSelectionCriteria Criteria);
