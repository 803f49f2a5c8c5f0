using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class RedisSnapshotProtocolSpec(RedisServerFixture server, ITestOutputHelper output)
    : SnapshotStoreProtocolSpec(PluginBackend.Redis(server), output), IClassFixture<RedisServerFixture>;
