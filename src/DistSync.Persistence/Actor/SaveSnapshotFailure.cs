using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Actor;

/// <summary>Sent to a persistent actor (as a command) when its <c>SaveSnapshot</c> failed; the actor keeps running.</summary>
public sealed record SaveSnapshotFailure(SnapshotMetadata Metadata, Exception Cause);
