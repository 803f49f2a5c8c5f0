namespace DistSync.Client.Contracts;

/// <summary>
/// The first event of a watch (<c>event: created</c>): <see cref="Revision"/> is the store's applied index when the
/// watch was registered; events from <see cref="FromVersion"/> on follow.
/// </summary>
public sealed record KvWatchCreated(long Revision, long FromVersion);
