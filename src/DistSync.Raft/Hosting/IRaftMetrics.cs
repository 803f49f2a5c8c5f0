namespace DistSync.Raft.Hosting;

/// <summary>
/// Where a node's <see cref="RaftActor"/>s report what only they see (the node host exports it on /metrics; the term,
/// commit and applied index are read from <see cref="IRaftGroup.Status"/> on scrape instead). Called on the group's
/// actor thread, once per proposal or per persisted Ready, so an implementation must be cheap and must not allocate
/// (cache its per-group series) nor block.
/// </summary>
public interface IRaftMetrics
{
    /// <summary>The leader appended a client proposal to its log.</summary>
    void Proposed(int groupId);

    /// <summary>This node saw a new leader (another node's or its own), or lost the one it knew.</summary>
    void LeaderChanged(int groupId);

    /// <summary>One Ready was written to the journal and acknowledged: <paramref name="entries"/> log entries, one fsync.</summary>
    void Persisted(int groupId, int entries, TimeSpan elapsed);

    /// <summary>A proposal of this leader was applied, <paramref name="elapsed"/> after it was proposed.</summary>
    void Committed(int groupId, TimeSpan elapsed);

    /// <summary>A follower relayed a proposal to the leader and had its answer after <paramref name="elapsed"/> (the hop
    /// costs this minus the leader's commit time). Called from a thread-pool thread, not the actor's.</summary>
    void Forwarded(int groupId, TimeSpan elapsed) { }

    /// <summary>The committed entries of one Ready were applied to the state machine, in <paramref name="elapsed"/>.</summary>
    void Applied(int groupId, int entries, TimeSpan elapsed) { }
}
