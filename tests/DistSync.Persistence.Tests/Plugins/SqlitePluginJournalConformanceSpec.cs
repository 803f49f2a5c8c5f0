using DistSync.Persistence.Journal;
using DistSync.Persistence.Tck;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>The engine conformance kit run against the Akka journal plugin on SQLite, through Akka's protocol.</summary>
public sealed class SqlitePluginJournalConformanceSpec : JournalSpec
{
    private readonly PluginBackend _backend = PluginBackend.Sqlite();

    protected override Task<IJournal> OpenJournalAsync() => Task.FromResult<IJournal>(PluginJournalClient.Start(_backend));

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _backend.Dispose();
    }
}
