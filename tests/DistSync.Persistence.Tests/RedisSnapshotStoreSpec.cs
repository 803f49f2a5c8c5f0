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
        await RedisSnapshotCorruption.FlipBlobByteAsync(db, $"{_prefix}:snapshot:{metadata.PersistenceId}", metadata.SequenceNr);
        connection.Close(allowCommandsToComplete: false);
        connection.Dispose();
    }
}
