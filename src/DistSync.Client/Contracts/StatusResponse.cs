using System.Text.Json;
using System.Text.Json.Serialization;

namespace DistSync.Client.Contracts;

/// <summary>Body of <c>GET /status</c> (API.md, System routes).</summary>
public sealed record StatusResponse(
    string NodeId,
    string Role,
    long Term,
    string? Leader,
    long CommitIndex,
    long LastApplied,
    IReadOnlyList<MemberStatus> Members,
    IReadOnlyList<GroupStatus> Groups)
{
    /// <summary>Fields a newer node sends that this contract does not name (see <see cref="MemberStatus.Extra"/>).</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Extra { get; init; }
}
