namespace DistSync.Client.Contracts;

/// <summary><c>POST /lock/release</c> body.</summary>
public sealed record ReleaseRequest(string? Resource, string? SessionId);
