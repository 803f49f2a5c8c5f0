using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class SqliteSnapshotProtocolSpec(ITestOutputHelper output) : SnapshotStoreProtocolSpec(PluginBackend.Sqlite(), output);
