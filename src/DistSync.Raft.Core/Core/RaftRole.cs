namespace DistSync.Raft;

/// <summary>The role a <see cref="RaftNode"/> currently plays; each role has its own step behaviour.</summary>
public enum RaftRole
{
    Follower = 0,
    /// <summary>Asking for pre-votes (term not yet incremented), so a partitioned node cannot inflate terms.</summary>
    PreCandidate = 1,
    Candidate = 2,
    Leader = 3,
}
