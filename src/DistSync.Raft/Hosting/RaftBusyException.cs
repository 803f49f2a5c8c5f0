namespace DistSync.Raft.Hosting;

/// <summary>
/// The group has a leader, but it refused the request for the whole deadline because another change is under way
/// (a configuration change not yet applied, a leader transfer). Still a <see cref="RaftUnavailableException"/>
/// (HTTP 503, safe to retry), but its message says what is pending instead of "no quorum".
/// </summary>
public sealed class RaftBusyException(string message, string? leaderHint = null)
    : RaftUnavailableException(message, leaderHint)
{
}
