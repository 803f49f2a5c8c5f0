using Akka.Configuration;
using DistSync.Persistence.Plugins;

namespace DistSync.Persistence.Tests.Encryption;

/// <summary>The plugin config names the data keyring in both plugin blocks only when encryption at rest is on.</summary>
public sealed class EncryptionConfigSpec
{
    [Fact]
    public void Both_plugins_get_the_absolute_key_file_and_the_plaintext_setting_when_encryption_is_on()
    {
        var settings = new PersistenceSettings { DataKeyFile = "secrets/data.key", AcceptPlaintext = true };
        var config = ConfigurationFactory.ParseString(PersistencePlugins.Config(settings));

        foreach (var plugin in new[] { PersistencePlugins.JournalId, PersistencePlugins.SnapshotStoreId })
        {
            Assert.Equal(Path.GetFullPath("secrets/data.key"), config.GetString(plugin + ".data-key-file"));
            Assert.True(config.GetBoolean(plugin + ".accept-plaintext"));
        }
    }

    [Fact]
    public void No_key_file_is_rendered_when_encryption_is_off()
    {
        var config = ConfigurationFactory.ParseString(PersistencePlugins.Config(new PersistenceSettings()));
        Assert.False(config.HasPath(PersistencePlugins.JournalId + ".data-key-file"));
        Assert.False(config.HasPath(PersistencePlugins.SnapshotStoreId + ".data-key-file"));
    }
}
