using DistSync.Persistence.Snapshot;

namespace DistSync.Persistence.Actor;

/// <summary>Sent to a persistent actor (as a command) when its <c>SaveSnapshot</c> is stored.</summary>
public sealed record SaveSnapshotSuccess(SnapshotMetadata Metadata);
