namespace DistSync.Actors.Remote.FailureDetection;

/// <summary>A snapshot of one monitored peer for /status: its address, reachability and current phi.</summary>
public sealed record PeerStatus(Address Address, PeerReachability Reachability, double Phi, TimeSpan? UnreachableFor);
