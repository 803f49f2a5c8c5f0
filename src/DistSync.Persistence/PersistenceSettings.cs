using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Persistence;

/// <summary>
/// Typed form of <c>dsync.persistence</c> (defaults and their meaning: hocon/persistence.conf), plus the node id and
/// data directory it needs from <c>dsync.node</c>.
/// </summary>
public sealed record PersistenceSettings
{
    public PersistencePlugin JournalPlugin { get; init; } = PersistencePlugin.Sqlite;

    public PersistencePlugin SnapshotStorePlugin { get; init; } = PersistencePlugin.Sqlite;

    /// <summary>Most atomic writes the journal plugin puts in one transaction (group commit).</summary>
    public int MaxBatchSize { get; init; } = 4096;

    public string NodeId { get; init; } = "node";

    public string DataDirectory { get; init; } = "data";

    public string SqliteFileName { get; init; } = "persistence.db";

    public TimeSpan SqliteBusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Events the SQLite journal collects in its append-only table before merging them into the keyed one.</summary>
    public int SqliteMergeThreshold { get; init; } = Sqlite.SqliteJournal.DefaultMergeThreshold;

    /// <summary>StackExchange.Redis configuration string (endpoints and options).</summary>
    public string RedisConfiguration { get; init; } = "127.0.0.1:6379";

    /// <summary>First part of every Redis key; the node id follows, e.g. <c>dsync:n1:journal:persisted:raft-0</c>.</summary>
    public string RedisKeyPrefix { get; init; } = "dsync";

    /// <summary>The data keyring (<c>dsync.security.data-key-file</c>); empty: encryption at rest off. Set by the
    /// node from its security settings, not read from <c>dsync.persistence</c>.</summary>
    public string DataKeyFile { get; init; } = "";

    /// <summary>Whether plaintext records are still read while encryption at rest is on
    /// (<c>dsync.security.data-at-rest.accept-plaintext</c>), for a data directory written before it was turned on.</summary>
    public bool AcceptPlaintext { get; init; }

    public bool EncryptionAtRest => !string.IsNullOrWhiteSpace(DataKeyFile);

    public string SqlitePath => Path.Combine(DataDirectory, SqliteFileName);

    public string RedisNodePrefix => $"{RedisKeyPrefix}:{NodeId}";

    /// <summary>Reads <c>dsync:persistence</c> and <c>dsync:node:id</c>/<c>data-dir</c>; malformed values throw naming the key.</summary>
    public static PersistenceSettings FromConfiguration(IConfiguration? configuration)
    {
        var d = new PersistenceSettings();
        if (configuration is null) return d;
        var p = configuration.GetSection("dsync:persistence");
        var node = configuration.GetSection("dsync:node");
        var settings = new PersistenceSettings
        {
            JournalPlugin = ParsePlugin(p["journal:plugin"], "dsync.persistence.journal.plugin", d.JournalPlugin),
            SnapshotStorePlugin = ParsePlugin(p["snapshot-store:plugin"], "dsync.persistence.snapshot-store.plugin", d.SnapshotStorePlugin),
            MaxBatchSize = p.GetInt("journal:max-batch-size", d.MaxBatchSize),
            NodeId = node.GetString("id", d.NodeId),
            DataDirectory = node.GetString("data-dir", d.DataDirectory),
            SqliteFileName = p.GetString("sqlite:file-name", d.SqliteFileName),
            SqliteBusyTimeout = p.GetDuration("sqlite:busy-timeout", d.SqliteBusyTimeout),
            SqliteMergeThreshold = p.GetInt("sqlite:merge-threshold", d.SqliteMergeThreshold),
            RedisConfiguration = p.GetString("redis:configuration", d.RedisConfiguration),
            RedisKeyPrefix = p.GetString("redis:key-prefix", d.RedisKeyPrefix),
        };
        if (settings.MaxBatchSize < 1)
            throw new FormatException($"dsync.persistence.journal.max-batch-size must be at least 1, got {settings.MaxBatchSize}.");
        if (string.IsNullOrWhiteSpace(settings.SqliteFileName) || settings.SqliteFileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0)
            throw new FormatException($"dsync.persistence.sqlite.file-name must be a plain file name, got '{settings.SqliteFileName}'.");
        if (settings.SqliteMergeThreshold < 1)
            throw new FormatException($"dsync.persistence.sqlite.merge-threshold must be at least 1, got {settings.SqliteMergeThreshold}.");
        if (settings.SqliteBusyTimeout <= TimeSpan.Zero)
            throw new FormatException($"dsync.persistence.sqlite.busy-timeout must be positive, got {settings.SqliteBusyTimeout}.");
        return settings;
    }

    private static PersistencePlugin ParsePlugin(string? text, string key, PersistencePlugin defaultValue) =>
        text?.Trim().ToLowerInvariant() switch
        {
            null or "" => defaultValue,
            "sqlite" => PersistencePlugin.Sqlite,
            "redis" => PersistencePlugin.Redis,
            "inmem" => PersistencePlugin.InMem,
            _ => throw new FormatException($"{key} must be one of sqlite | redis | inmem, got '{text}'."),
        };
}
