using DistSync.Persistence.Journal;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>The engine conformance kit run against the Akka journal plugin on Redis, through Akka's protocol.</summary>
public sealed class RedisPluginJournalConformanceSpec(RedisServerFixture server) : JournalSpec, IClassFixture<RedisServerFixture>
{
    private readonly PluginBackend _backend = PluginBackend.Redis(server);

    protected override Task<IJournal> OpenJournalAsync() => Task.FromResult<IJournal>(PluginJournalClient.Start(_backend));
}
