namespace DistSync.Client.Contracts;

/// <summary>One Raft group hosted by the node (group 0 is the meta group).</summary>
public sealed record GroupStatus(int GroupId, string Role, long Term, string? Leader, long CommitIndex, long LastApplied);
