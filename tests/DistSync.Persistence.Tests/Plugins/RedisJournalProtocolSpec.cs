using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class RedisJournalProtocolSpec(RedisServerFixture server, ITestOutputHelper output)
    : JournalProtocolSpec(PluginBackend.Redis(server), output), IClassFixture<RedisServerFixture>;
