namespace DistSync.Actors.Remote;

// Published on the ActorSystem's EventStream by remoting.
/// <summary>An outbound association to <paramref name="Peer"/> completed its handshake.</summary>
public sealed record AssociationUp(Address Peer, ulong PeerUid);
