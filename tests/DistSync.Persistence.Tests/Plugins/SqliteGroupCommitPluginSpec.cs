using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class SqliteGroupCommitPluginSpec(ITestOutputHelper output) : GroupCommitPluginSpec(PluginBackend.Sqlite(), output);
