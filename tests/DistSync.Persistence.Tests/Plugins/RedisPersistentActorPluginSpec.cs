using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class RedisPersistentActorPluginSpec(RedisServerFixture server, ITestOutputHelper output)
    : PersistentActorPluginSpec(PluginBackend.Redis(server), output), IClassFixture<RedisServerFixture>;
