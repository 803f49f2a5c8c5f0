namespace DistSync.Persistence;

/// <summary>Storage backend of a journal or snapshot store, chosen in config by a short word.</summary>
public enum PersistencePlugin
{
    /// <summary>Embedded SQLite file under the node's data directory (the default).</summary>
    Sqlite,

    /// <summary>A redis-server; durability is that of its AOF setting.</summary>
    Redis,

    /// <summary>Process memory; unit tests only.</summary>
    InMem,
}
