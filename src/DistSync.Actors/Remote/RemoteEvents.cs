namespace DistSync.Actors.Remote;

// Remoting events published on the ActorSystem's EventStream. Small immutable records, kept together
// because they are one vocabulary (as Akka keeps its cluster events in one file).

/// <summary>The first heartbeat answer from <paramref name="Peer"/> arrived: it is up.</summary>
public sealed record PeerUp(Address Peer);

/// <summary>The failure detector's phi for <paramref name="Peer"/> crossed the threshold.</summary>
public sealed record Unreachable(Address Peer, double Phi);

/// <summary>Heartbeats from a previously unreachable <paramref name="Peer"/> are arriving again.</summary>
public sealed record Reachable(Address Peer);

/// <summary>An outbound association to <paramref name="Peer"/> completed its handshake.</summary>
public sealed record AssociationUp(Address Peer, ulong PeerUid);

/// <summary>The outbound connection to <paramref name="Peer"/> was lost; it reconnects with backoff.</summary>
public sealed record AssociationDown(Address Peer);
