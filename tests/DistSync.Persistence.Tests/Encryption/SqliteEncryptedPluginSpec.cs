using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Encryption;

public sealed class SqliteEncryptedPluginSpec(ITestOutputHelper output) : EncryptedPluginSpec("sqlite", null, output);
