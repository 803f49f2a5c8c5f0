namespace DistSync.Persistence.Redis;

/// <summary>
/// Key layout of the Redis plugins. Every key starts with the node's prefix (e.g. <c>dsync:node-1</c>), so several
/// nodes (or test runs) can share one server without seeing each other's data.
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _prefix;

    public RedisKeys(string nodePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodePrefix);
        _prefix = nodePrefix;
    }

    /// <summary>Sorted set of one persistence id's events: score = seqNr, member = encoded event.</summary>
    public string Events(string persistenceId) => $"{_prefix}:j:{persistenceId}";

    /// <summary>Hash persistence id -> highest seqNr ever written (kept when events are deleted).</summary>
    public string Highest => $"{_prefix}:jh";

    /// <summary>Sorted set indexing one persistence id's snapshots: score = seqNr, member = "seqNr:utcTicks".</summary>
    public string SnapshotIndex(string persistenceId) => $"{_prefix}:s:{persistenceId}";

    /// <summary>Hash seqNr -> snapshot blob of one persistence id.</summary>
    public string SnapshotBlobs(string persistenceId) => $"{_prefix}:sb:{persistenceId}";
}
