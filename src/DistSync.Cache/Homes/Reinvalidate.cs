using Akka.Actor;

namespace DistSync.Cache.Homes;

/// <summary>A node the home dropped while it was unreachable is reachable again: invalidate whatever copy it may still
/// hold (its failure detector may not have seen this home unreachable, so it may have kept it).</summary>
internal sealed record Reinvalidate(Address Node);
