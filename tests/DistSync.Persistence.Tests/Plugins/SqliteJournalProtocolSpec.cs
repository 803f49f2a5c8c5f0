using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class SqliteJournalProtocolSpec(ITestOutputHelper output) : JournalProtocolSpec(PluginBackend.Sqlite(), output);
