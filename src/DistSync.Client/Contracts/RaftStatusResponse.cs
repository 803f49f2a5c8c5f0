namespace DistSync.Client.Contracts;

/// <summary>
/// Body of <c>GET /raft/status</c>: every Raft group hosted by the node with its members and, on the leader,
/// each follower's progress. <see cref="LeaderHttp"/> is the leader's HTTP endpoint when known, so a caller that
/// asked a follower can ask the leader for the follower table.
/// </summary>
public sealed record RaftStatusResponse(string NodeId, string? LeaderHttp, IReadOnlyList<RaftGroupDetail> Groups);

/// <summary>One group's Raft state on the node. <see cref="SnapshotIndex"/> is the latest snapshot in the node's log and
/// <see cref="FirstIndex"/> the first entry still kept (older ones are compacted into the snapshot); both 0 from a node
/// that predates them.</summary>
public sealed record RaftGroupDetail(
    int GroupId,
    string Role,
    long Term,
    string? Leader,
    long CommitIndex,
    long LastApplied,
    long LastIndex,
    IReadOnlyList<RaftMemberDetail> Members,
    IReadOnlyList<RaftFollowerDetail> Followers,
    long SnapshotIndex = 0,
    long FirstIndex = 0);

/// <summary>A member of a group's configuration; <see cref="Kind"/> is voter or learner.</summary>
public sealed record RaftMemberDetail(string NodeId, string Address, string Kind);

/// <summary>The leader's view of one follower.</summary>
public sealed record RaftFollowerDetail(string NodeId, long MatchIndex, long NextIndex, string State, bool RecentlyActive);
