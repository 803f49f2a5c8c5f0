using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class InMemSnapshotProtocolSpec(ITestOutputHelper output) : SnapshotStoreProtocolSpec(PluginBackend.InMem(), output);
