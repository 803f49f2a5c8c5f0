using Microsoft.Data.Sqlite;

namespace DistSync.Persistence.Sqlite;

/// <summary>
/// Opens connections to a node's persistence database file with the durability settings the plugins rely on:
/// WAL journal mode and <c>synchronous=FULL</c> (every commit is fsynced before it is acknowledged).
/// </summary>
internal static class SqliteDatabase
{
    /// <summary>Bumped when the schema changes; stored in <c>user_version</c>.</summary>
    public const int SchemaVersion = 1;

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS journal (
            persistence_id TEXT NOT NULL,
            sequence_nr INTEGER NOT NULL,
            type_id INTEGER NOT NULL,
            payload BLOB NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr)) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS journal_recent (
            ordering INTEGER PRIMARY KEY,
            persistence_id TEXT NOT NULL,
            sequence_nr INTEGER NOT NULL,
            type_id INTEGER NOT NULL,
            payload BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS journal_highest (
            persistence_id TEXT NOT NULL PRIMARY KEY,
            sequence_nr INTEGER NOT NULL) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS snapshot (
            persistence_id TEXT NOT NULL,
            sequence_nr INTEGER NOT NULL,
            created_utc_ticks INTEGER NOT NULL,
            blob BLOB NOT NULL,
            PRIMARY KEY (persistence_id, sequence_nr));
        """;

    /// <summary>SQLite's own default page cache (2 MiB).</summary>
    public const int DefaultCacheKiB = 2048;

    /// <summary>The journal writer's page cache: see the PRAGMA below.</summary>
    public const int JournalCacheKiB = 65536;

    public static SqliteConnection Open(string path, TimeSpan busyTimeout, bool forWriting, int cacheKiB = JournalCacheKiB)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory)) Directory.CreateDirectory(directory);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // No pooling: closing a journal must release the file (tests reopen it, the node may move it).
            Pooling = false,
            DefaultTimeout = (int)Math.Ceiling(busyTimeout.TotalSeconds),
        };
        var connection = new SqliteConnection(builder.ToString());
        try
        {
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {(long)busyTimeout.TotalMilliseconds};");
            if (forWriting)
            {
                Execute(connection, "PRAGMA journal_mode = WAL;");
                Execute(connection, "PRAGMA synchronous = FULL;");
                // Group-committed batches touch one index page per persistence id; checkpointing less often lets a
                // page that many batches dirtied be copied into the database file once (64 MiB of WAL at most).
                Execute(connection, "PRAGMA wal_autocheckpoint = 16384;");
                // Keep the index pages of many persistence ids in memory instead of re-reading them per batch.
                Execute(connection, $"PRAGMA cache_size = -{cacheKiB};");
                Execute(connection, Schema);
                CheckSchemaVersion(connection, path);
            }
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void CheckSchemaVersion(SqliteConnection connection, string path)
    {
        using var read = connection.CreateCommand();
        read.CommandText = "PRAGMA user_version;";
        var version = Convert.ToInt32(read.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        if (version == 0) Execute(connection, $"PRAGMA user_version = {SchemaVersion};");
        else if (version > SchemaVersion)
            throw new InvalidOperationException($"{path} has persistence schema version {version}; this build understands up to {SchemaVersion}");
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
