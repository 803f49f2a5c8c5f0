namespace DistSync.Raft;

/// <summary>Outcome of a request to the core (proposal, conf change, read, transfer). Never thrown.</summary>
public enum ProposeResult
{
    Accepted = 0,
    /// <summary>This node is not the leader (or, for a read on a follower, knows no leader); retry elsewhere.</summary>
    NotLeader = 1,
    /// <summary>A leader transfer is in progress; proposals are refused until it ends.</summary>
    TransferInProgress = 2,
    /// <summary>A membership change is still pending (proposed but not yet applied); one at a time.</summary>
    ConfChangePending = 3,
    /// <summary>The request makes no sense for the current configuration (e.g. removing the last voter).</summary>
    Invalid = 4,
}
