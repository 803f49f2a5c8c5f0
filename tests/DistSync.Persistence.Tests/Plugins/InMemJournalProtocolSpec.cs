using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

public sealed class InMemJournalProtocolSpec(ITestOutputHelper output) : JournalProtocolSpec(PluginBackend.InMem(), output);
