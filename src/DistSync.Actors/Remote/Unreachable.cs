namespace DistSync.Actors.Remote;

// Published on the ActorSystem's EventStream by remoting.
/// <summary>The failure detector's phi for <paramref name="Peer"/> crossed the threshold.</summary>
public sealed record Unreachable(Address Peer, double Phi);
