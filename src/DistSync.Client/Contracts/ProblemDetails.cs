using System.Text.Json.Serialization;

namespace DistSync.Client.Contracts;

/// <summary>An RFC 9457 error body (<c>application/problem+json</c>) as every route returns it.</summary>
public sealed record ProblemDetails(string? Type, string? Title, int Status, string? Detail)
{
    /// <summary>
    /// Extension member of a 409 <c>deadlock</c>: the resources whose holds the aborted transaction lost (sorted).
    /// Absent (null) in every other answer.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Released { get; init; }
}
