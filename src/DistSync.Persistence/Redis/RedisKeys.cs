namespace DistSync.Persistence.Redis;

/// <summary>
/// Key layout of the Redis engines: the key names and types of the Akka.Persistence.Redis plugin, with its
/// <c>key-prefix</c> set to the node's prefix plus a colon (e.g. <c>dsync:node-1:</c>), so several nodes (or test runs)
/// can share one server without seeing each other's data.
/// <list type="table">
/// <item><c>{p}journal:persisted:{pid}</c> ZSET: score = seqNr, member = the event in DistSync's codec
/// (<see cref="Serialization.PersistentReprCodec"/>).</item>
/// <item><c>{p}journal:persisted:{pid}:highestSequenceNr</c> STRING: highest seqNr ever written, raised and never
/// lowered, kept when events are deleted.</item>
/// <item><c>{p}journal:persistenceIds</c> SET: every persistence id that wrote an event.</item>
/// <item><c>{p}snapshot:{pid}</c> ZSET: score = seqNr, member = <see cref="RedisSnapshotMember"/> (timestamp plus the
/// CRC'd snapshot blob).</item>
/// </list>
/// <para>
/// Why this layout (issue 11): it is the one operators and tools of Akka.NET know, a key names its persistence id and
/// content in words, and all keys of one persistence id share the <c>journal:persisted:{pid}</c> stem. What it does not
/// buy: the official plugin still could not read the members, which stay DistSync's codec and CRC'd blobs on purpose
/// (the plugin adapter above the engine is unchanged, and the CRC fallback to an older intact snapshot is kept).
/// Writes still go one MULTI/EXEC per group-commit batch, not one per AtomicWrite as in the official plugin; the
/// highest seqNr of every persistence id of the batch is raised by one Lua call inside that MULTI, because a plain SET
/// could lower it. Redis Cluster hash tags are not used: one server (or primary) holds a node's data.
/// </para>
/// <para>
/// As in the official plugin, a persistence id ending in <c>:highestSequenceNr</c> would collide with the highest key
/// of another id; DistSync's ids (Raft groups, entity ids) never do.
/// Data of the layout before issue 11 (<see cref="LegacyRedisKeys"/>) is moved into these keys once, by
/// <see cref="RedisLayoutMigration"/>, before an engine's first operation.
/// </para>
/// </summary>
internal sealed class RedisKeys
{
    private readonly string _prefix;

    /// <param name="nodePrefix">The node's prefix without the trailing colon, e.g. <c>dsync:node-1</c>.</param>
    public RedisKeys(string nodePrefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodePrefix);
        NodePrefix = nodePrefix;
        _prefix = nodePrefix + ":";
    }

    public string NodePrefix { get; }

    /// <summary>Sorted set of one persistence id's events: score = seqNr, member = encoded event.</summary>
    public string Journal(string persistenceId) => $"{_prefix}journal:persisted:{persistenceId}";

    /// <summary>String with the highest seqNr ever written for one persistence id (kept when events are deleted).</summary>
    public string HighestSequenceNr(string persistenceId) => $"{_prefix}journal:persisted:{persistenceId}:highestSequenceNr";

    /// <summary>Set of every persistence id that has written an event.</summary>
    public string PersistenceIds => $"{_prefix}journal:persistenceIds";

    /// <summary>Sorted set of one persistence id's snapshots: score = seqNr, member = <see cref="RedisSnapshotMember"/>.</summary>
    public string Snapshots(string persistenceId) => $"{_prefix}snapshot:{persistenceId}";
}
