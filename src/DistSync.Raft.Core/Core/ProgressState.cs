namespace DistSync.Raft;

/// <summary>How the leader currently replicates to one follower.</summary>
public enum ProgressState
{
    /// <summary>One append at a time until the follower's match index is found.</summary>
    Probe = 0,
    /// <summary>Optimistic pipelining: batches are sent ahead of acknowledgements up to the inflight window.</summary>
    Replicate = 1,
    /// <summary>The follower is receiving an InstallSnapshot transfer; appends are paused.</summary>
    Snapshot = 2,
}
