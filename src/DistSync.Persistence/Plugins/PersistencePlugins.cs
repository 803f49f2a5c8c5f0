using DistSync.Hocon;
using System.Globalization;
using System.Text;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Persistence.Serialization;

namespace DistSync.Persistence.Plugins;

/// <summary>
/// Wires the <c>dsync</c> Akka.Persistence plugins into an actor system in one call:
/// <code>
/// var registry = PersistenceSerializerRegistry.CreateWithBuiltIns(); RaftMessageIds.Register(registry);
/// var system = ActorSystem.Create("dsync", PersistencePlugins.Setup(settings, registry));
/// PersistencePlugins.Start(system); // optional: open the engines now, so a bad path fails the boot
/// </code>
/// or, when the host builds its own setup, <see cref="Config"/> (HOCON) plus <c>new EventRegistrySetup(registry)</c>.
/// The plugins become the default journal and snapshot store, start with the system (a bad path or an unreachable
/// Redis fails the boot) and store events with the pinned type ids.
/// </summary>
public static class PersistencePlugins
{
    public const string JournalId = "akka.persistence.journal.dsync";

    public const string SnapshotStoreId = "akka.persistence.snapshot-store.dsync";

    /// <summary>
    /// The Akka config of both plugins from <paramref name="settings"/> (dsync.persistence, hocon/persistence.conf),
    /// plus the <c>dsync-event</c> serializer bindings of <paramref name="registry"/> (built-ins only when null).
    /// </summary>
    public static string Config(PersistenceSettings settings, PersistenceSerializerRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var sb = new StringBuilder();
        sb.AppendLine("akka.persistence {");
        sb.AppendLine("  journal {");
        sb.Append("    plugin = ").AppendLine(Quote(JournalId));
        // Start at boot so a bad database path or an unreachable Redis fails the node at once, not at the first Persist.
        sb.Append("    auto-start-journals = [").Append(Quote(JournalId)).AppendLine("]");
        sb.AppendLine("    dsync {");
        sb.Append("      class = ").AppendLine(HoconText.QuoteType(typeof(DistSyncJournal)));
        sb.AppendLine("      plugin-dispatcher = \"akka.persistence.dispatchers.default-plugin-dispatcher\"");
        sb.Append("      max-batch-size = ").AppendLine(settings.MaxBatchSize.ToString(CultureInfo.InvariantCulture));
        Engine(sb, settings.JournalPlugin, settings);
        // One writer per persistence id per node, and the engines keep no writer uuid to filter on.
        sb.AppendLine("      replay-filter.mode = off");
        // A batch of thousands of fsynced writes, or a merge of the SQLite tables, may take seconds: 10 s is too tight.
        sb.AppendLine("      circuit-breaker { max-failures = 10, call-timeout = 30s, reset-timeout = 30s }");
        sb.AppendLine("    }");
        sb.AppendLine("  }");
        sb.AppendLine("  snapshot-store {");
        sb.Append("    plugin = ").AppendLine(Quote(SnapshotStoreId));
        sb.Append("    auto-start-snapshot-stores = [").Append(Quote(SnapshotStoreId)).AppendLine("]");
        sb.AppendLine("    dsync {");
        sb.Append("      class = ").AppendLine(HoconText.QuoteType(typeof(DistSyncSnapshotStore)));
        sb.AppendLine("      plugin-dispatcher = \"akka.persistence.dispatchers.default-plugin-dispatcher\"");
        Engine(sb, settings.SnapshotStorePlugin, settings);
        sb.AppendLine("      circuit-breaker { max-failures = 5, call-timeout = 30s, reset-timeout = 60s }");
        sb.AppendLine("    }");
        sb.AppendLine("  }");
        sb.AppendLine("}");
        sb.Append(EventSerialization.Config(registry ?? PersistenceSerializerRegistry.CreateWithBuiltIns()));
        return sb.ToString();
    }

    /// <summary>
    /// A complete setup: <see cref="Config"/> over <paramref name="fallback"/> (the rest of the node's Akka config),
    /// the <see cref="EventRegistrySetup"/>, and optional injected engines.
    /// </summary>
    public static ActorSystemSetup Setup(PersistenceSettings settings, PersistenceSerializerRegistry? registry = null,
        Akka.Configuration.Config? fallback = null, PersistenceEngineSetup? engines = null)
    {
        registry ??= PersistenceSerializerRegistry.CreateWithBuiltIns();
        var config = ConfigurationFactory.ParseString(Config(settings, registry));
        if (fallback is not null) config = config.WithFallback(fallback);
        var setup = BootstrapSetup.Create().WithConfig(config).And(new EventRegistrySetup(registry));
        return engines is null ? setup : setup.And(engines);
    }

    /// <summary>
    /// Loads Akka.Persistence in <paramref name="system"/> now, which starts both plugins (auto-start): call it right
    /// after creating the system so a bad database path or an unreachable Redis fails the boot, not the first Persist.
    /// Akka loads the extension lazily otherwise (at the first persistent actor).
    /// </summary>
    public static void Start(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        Akka.Persistence.Persistence.Instance.Apply(system);
    }

    private static void Engine(StringBuilder sb, PersistencePlugin plugin, PersistenceSettings settings)
    {
        sb.Append("      engine = ").AppendLine(plugin switch
        {
            PersistencePlugin.Sqlite => "sqlite",
            PersistencePlugin.Redis => "redis",
            _ => "inmem",
        });
        sb.Append("      sqlite { path = ").Append(Quote(Path.GetFullPath(settings.SqlitePath)))
            .Append(", busy-timeout = ").Append(((long)settings.SqliteBusyTimeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)).Append("ms")
            .Append(", merge-threshold = ").Append(settings.SqliteMergeThreshold.ToString(CultureInfo.InvariantCulture)).AppendLine(" }");
        sb.Append("      redis { configuration = ").Append(Quote(settings.RedisConfiguration))
            .Append(", node-prefix = ").Append(Quote(settings.RedisNodePrefix)).AppendLine(" }");
        // Encryption at rest (PluginEngines wraps the engine): absent or empty means off.
        if (!settings.EncryptionAtRest) return;
        sb.Append("      data-key-file = ").AppendLine(Quote(Path.GetFullPath(settings.DataKeyFile)));
        sb.Append("      accept-plaintext = ").AppendLine(settings.AcceptPlaintext ? "on" : "off");
    }

    private static string Quote(string value) => HoconText.Quote(value);
}
