using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class InMemGroupCommitPluginSpec(ITestOutputHelper output) : GroupCommitPluginSpec(PluginBackend.InMem(), output);
