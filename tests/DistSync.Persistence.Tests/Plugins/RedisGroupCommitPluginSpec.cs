using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class RedisGroupCommitPluginSpec(RedisServerFixture server, ITestOutputHelper output)
    : GroupCommitPluginSpec(PluginBackend.Redis(server), output), IClassFixture<RedisServerFixture>;
