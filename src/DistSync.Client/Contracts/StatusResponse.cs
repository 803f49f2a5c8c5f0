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
    IReadOnlyList<GroupStatus> Groups);
