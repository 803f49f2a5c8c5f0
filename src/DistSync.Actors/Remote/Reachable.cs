namespace DistSync.Actors.Remote;

// Published on the ActorSystem's EventStream by remoting.
/// <summary>Heartbeats from a previously unreachable <paramref name="Peer"/> are arriving again.</summary>
public sealed record Reachable(Address Peer);
