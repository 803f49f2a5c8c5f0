namespace DistSync.Raft.Hosting;

/// <summary>
/// No leader committed the request in time (no quorum, election in progress, leadership lost). Maps to
/// HTTP 503: the outcome of a proposal is unknown, a read did not happen.
/// </summary>
public class RaftUnavailableException(string message, string? leaderHint = null, Exception? inner = null)
    : Exception(message, inner)
{
    /// <summary>The node id believed to lead, when one is known.</summary>
    public string? LeaderHint { get; } = leaderHint;

    /// <summary>
    /// Every try was refused for want of a leader (an election was running), so nothing was appended: the request may
    /// be sent again without risk of running twice. A caller with a longer deadline of its own retries (a produce that
    /// creates a queue, whose partition groups are still electing).
    /// </summary>
    public bool NoLeaderTookIt { get; init; }
}
