using System.Text.Json.Serialization;

namespace DistSync.Client.Contracts;

/// <summary>
/// How many of a node's cache lines are in each MESI state (<c>byState</c> of <c>GET /cache/stats</c>). API.md spells
/// the members as the state letters, upper case, which the camelCase policy alone would lower.
/// </summary>
public sealed record CacheStateCounts(
    [property: JsonPropertyName("M")] int M,
    [property: JsonPropertyName("E")] int E,
    [property: JsonPropertyName("S")] int S,
    [property: JsonPropertyName("I")] int I);
