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

    /// <summary>
    /// Extension member of a 409 <c>version-mismatch</c>: the key's version when the compare-and-set was refused
    /// (0 when the key did not exist). Absent (null) in every other answer, and from a node that predates it.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? CurrentVersion { get; init; }

    /// <summary>
    /// Extension member of a 410 <c>compacted</c> from <c>GET /kv/watch</c>: the oldest version whose changes can still
    /// be watched. Absent (null) in every other answer.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? OldestVersion { get; init; }
}
