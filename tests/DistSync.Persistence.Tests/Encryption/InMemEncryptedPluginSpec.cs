using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Encryption;

public sealed class InMemEncryptedPluginSpec(ITestOutputHelper output) : EncryptedPluginSpec("inmem", null, output);
