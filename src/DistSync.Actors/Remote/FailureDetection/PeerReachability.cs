namespace DistSync.Actors.Remote.FailureDetection;

/// <summary>Reachability of a monitored peer, as the failure detector of this node sees it.</summary>
public enum PeerReachability
{
    /// <summary>Monitored, but no heartbeat answer has arrived yet.</summary>
    Joining,

    /// <summary>Answers heartbeats; phi below the threshold.</summary>
    Up,

    /// <summary>Phi at or above the threshold.</summary>
    Unreachable,
}
