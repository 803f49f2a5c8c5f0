namespace DistSync.Actors.Remote;

// Published on the ActorSystem's EventStream by remoting.
/// <summary>The outbound connection to <paramref name="Peer"/> was lost; it reconnects with backoff.</summary>
public sealed record AssociationDown(Address Peer);
