namespace DistSync.Client.Contracts;

/// <summary><c>POST /lock/release</c> answer (200).</summary>
public sealed record ReleaseResponse(bool Released);
