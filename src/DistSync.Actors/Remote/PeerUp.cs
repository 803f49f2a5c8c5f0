namespace DistSync.Actors.Remote;

// Published on the ActorSystem's EventStream by remoting.
/// <summary>The first heartbeat answer from <paramref name="Peer"/> arrived: it is up.</summary>
public sealed record PeerUp(Address Peer);
