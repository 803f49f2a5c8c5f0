namespace DistSync.Persistence.Redis;

/// <summary>
/// DistSync's own key layout before issue 11, kept only so <see cref="RedisLayoutMigration"/> can find and move data
/// written by it: <c>{node}:j:{pid}</c> ZSET of events (same codec and scores as today), <c>{node}:jh</c> HASH
/// pid → highest seqNr, <c>{node}:s:{pid}</c> ZSET index (member <c>"seqNr:utcTicks"</c>) and <c>{node}:sb:{pid}</c>
/// HASH seqNr → CRC'd snapshot blob. Nothing writes these keys any more.
/// </summary>
internal sealed class LegacyRedisKeys
{
    private readonly string _prefix;

    public LegacyRedisKeys(string nodePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodePrefix);
        _prefix = nodePrefix;
    }

    public string Events(string persistenceId) => $"{_prefix}:j:{persistenceId}";

    /// <summary>Every persistence id the old journal wrote is a field here (set in the MULTI of its first write).</summary>
    public string Highest => $"{_prefix}:jh";

    /// <summary>Start of every old snapshot index key; the persistence id follows.</summary>
    public string SnapshotIndexStem => $"{_prefix}:s:";

    public string SnapshotIndex(string persistenceId) => SnapshotIndexStem + persistenceId;

    public string SnapshotBlobs(string persistenceId) => $"{_prefix}:sb:{persistenceId}";
}
