namespace DistSync.Raft.Hosting;

/// <summary>One group's Raft state as seen on this node.</summary>
/// <param name="Role">follower, pre-candidate, candidate or leader; starting, stopped, or failed (its state machine threw:
/// the group stopped on this node rather than let its replica drift from the others).</param>
/// <param name="Leader">Node id of the leader this node knows of, or null.</param>
/// <param name="Followers">On the leader: each other member's progress; empty elsewhere.</param>
public sealed record RaftGroupStatus(
    int GroupId,
    string NodeId,
    string Role,
    long Term,
    string? Leader,
    long CommitIndex,
    long LastApplied,
    long LastIndex,
    IReadOnlyList<RaftMemberStatus> Members,
    IReadOnlyList<RaftFollowerProgress> Followers)
{
    /// <summary>Index of the latest snapshot in this node's log (0 before the first).</summary>
    public long SnapshotIndex { get; init; }

    /// <summary>First index still in this node's log; entries before it are compacted into the snapshot.</summary>
    public long FirstIndex { get; init; }

    /// <summary>Snapshot chunk messages this node sent while leading (since it started), and how many were resends.</summary>
    public long SnapshotChunksSent { get; init; }

    public long SnapshotChunksResent { get; init; }
}

/// <summary>A member of the group's configuration.</summary>
/// <param name="Kind">voter or learner.</param>
public sealed record RaftMemberStatus(string NodeId, string Address, string Kind);

/// <summary>The leader's view of one follower: how far its log matches, and its replication state.</summary>
/// <param name="State">probe, replicate or snapshot.</param>
public sealed record RaftFollowerProgress(string NodeId, long MatchIndex, long NextIndex, string State, bool RecentlyActive);
