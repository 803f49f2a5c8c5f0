using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Sqlite;
using DistSync.Persistence.Tck;
using Microsoft.Data.Sqlite;

namespace DistSync.Persistence.Tests;

public sealed class SqliteSnapshotStoreSpec : SnapshotStoreSpec
{
    private readonly TempDirectory _dir = new();

    private string DatabasePath => Path.Combine(_dir.Path, "persistence.db");

    protected override Task<ISnapshotStore> OpenStoreAsync() => Task.FromResult<ISnapshotStore>(new SqliteSnapshotStore(DatabasePath));

    protected override Task CorruptStoredSnapshotAsync(SnapshotMetadata metadata)
    {
        // Rewrite the blob with one byte flipped, as bit rot under the database would leave it.
        using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        using var read = connection.CreateCommand();
        read.CommandText = "SELECT blob FROM snapshot WHERE persistence_id = $pid AND sequence_nr = $seq;";
        read.Parameters.AddWithValue("$pid", metadata.PersistenceId);
        read.Parameters.AddWithValue("$seq", metadata.SequenceNr);
        var blob = Assert.IsType<byte[]>(read.ExecuteScalar());
        blob[blob.Length / 2] ^= 0xFF;
        using var write = connection.CreateCommand();
        write.CommandText = "UPDATE snapshot SET blob = $blob WHERE persistence_id = $pid AND sequence_nr = $seq;";
        write.Parameters.AddWithValue("$blob", blob);
        write.Parameters.AddWithValue("$pid", metadata.PersistenceId);
        write.Parameters.AddWithValue("$seq", metadata.SequenceNr);
        Assert.Equal(1, write.ExecuteNonQuery());
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _dir.Dispose();
    }
}
