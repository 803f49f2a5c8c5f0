namespace DistSync.Persistence.Redis;

/// <summary>
/// Key layout of the Redis plugins. Every key starts with the node's prefix (e.g. <c>dsync:node-1</c>), so several
/// nodes (or test runs) can share one server without seeing each other's data.
/// <para>
/// Kept on the move to Akka.Persistence instead of Akka.Persistence.Redis's layout (<c>journal:persisted:{pid}</c>
/// ZSET of Akka <c>Persistent</c> protobufs, <c>journal:persisted:{pid}:highestSequenceNr</c> STRING,
/// <c>snapshot:{pid}</c> ZSET of its serializer-48 snapshots). Why: (1) data written before the move stays readable
/// with no migration; (2) the only gain of the other layout is that the official plugin could read our keys, and it
/// could not anyway: that plugin is not served here, its snapshot serializer (id 48) lives in it, and our members are
/// DistSync's codec (type id + bytes) and CRC'd snapshot blobs, which the move keeps on purpose; renaming keys alone
/// would buy nothing; (3) one hash of highest sequence numbers lets a single Lua call in the batch's MULTI/EXEC
/// raise every persistence id of the batch, where the other layout needs a SET per id (and could lower a value).
/// </para>
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
