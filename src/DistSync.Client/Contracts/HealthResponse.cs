namespace DistSync.Client.Contracts;

/// <summary>Body of <c>GET /health</c>: <c>ok</c> when the node is up and sees a leader.</summary>
public sealed record HealthResponse(string Status);
