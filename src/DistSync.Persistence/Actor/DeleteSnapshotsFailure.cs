using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Actor;

/// <summary>Sent to a persistent actor when deleting the snapshots matching <see cref="Criteria"/> failed.</summary>
public sealed record DeleteSnapshotsFailure(SnapshotSelectionCriteria Criteria, Exception Cause);
