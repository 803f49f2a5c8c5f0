using DistSync.Persistence.Redis;
using DistSync.Persistence.Snapshot;
using DistSync.Persistence.Tck;
using StackExchange.Redis;

namespace DistSync.Persistence.Tests;

public sealed class RedisSnapshotStoreSpec : SnapshotStoreSpec, IClassFixture<RedisServerFixture>
{
    private static int _instances;
    private readonly RedisServerFixture _server;
    private readonly string _prefix = $"dsync:snapshot-spec-{Interlocked.Increment(ref _instances)}";

    public RedisSnapshotStoreSpec(RedisServerFixture server) => _server = server;

    protected override async Task<ISnapshotStore> OpenStoreAsync() =>
        new RedisSnapshotStore(await _server.ConnectAsync(), _prefix, ownsConnection: true);

    protected override async Task CorruptStoredSnapshotAsync(SnapshotMetadata metadata)
    {
        var connection = await _server.ConnectAsync();
        var db = connection.GetDatabase();
        var key = $"{_prefix}:sb:{metadata.PersistenceId}";
        var blob = (byte[]?)await db.HashGetAsync(key, metadata.SequenceNr);
        Assert.NotNull(blob);
        blob[blob.Length / 2] ^= 0xFF;
        await db.HashSetAsync(key, metadata.SequenceNr, blob);
        connection.Close(allowCommandsToComplete: false);
        connection.Dispose();
    }
}
