namespace DistSync.Client.Contracts;

/// <summary>Answer (202) of the cluster and Raft admin routes: what was proposed.</summary>
public sealed record AcceptedResponse(string Accepted, string NodeId);
