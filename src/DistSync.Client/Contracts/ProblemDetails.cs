namespace DistSync.Client.Contracts;

/// <summary>An RFC 9457 error body (<c>application/problem+json</c>) as every route returns it.</summary>
public sealed record ProblemDetails(string? Type, string? Title, int Status, string? Detail);
