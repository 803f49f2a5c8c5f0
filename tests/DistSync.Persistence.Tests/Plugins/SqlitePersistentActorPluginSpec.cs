using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class SqlitePersistentActorPluginSpec(ITestOutputHelper output) : PersistentActorPluginSpec(PluginBackend.Sqlite(), output);
