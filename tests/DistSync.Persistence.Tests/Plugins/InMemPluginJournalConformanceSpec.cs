using DistSync.Persistence.Journal;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>The engine conformance kit run against the Akka journal plugin in memory, through Akka's protocol.</summary>
public sealed class InMemPluginJournalConformanceSpec : JournalSpec
{
    private readonly PluginBackend _backend = PluginBackend.InMem();

    protected override Task<IJournal> OpenJournalAsync() => Task.FromResult<IJournal>(PluginJournalClient.Start(_backend));
}
