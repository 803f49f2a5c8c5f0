using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Logger.Serilog;
using DistSync.Cluster;
using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Hosting;
using DistSync.Cluster.Logging;
using DistSync.Cluster.Serialization;
using DistSync.Cluster.Sharding;
using DistSync.Persistence;
using DistSync.Persistence.Plugins;
using DistSync.Raft.Hosting;
using Microsoft.Extensions.Hosting;
using Serilog.Extensions.Logging;

namespace DistSync.Node.Hosting;

/// <summary>
/// The node's actor system, built with Akka.Hosting in a generic host of its own: the Akka config rendered by
/// <see cref="AkkaConfig"/> from the typed dsync settings over hocon/akka.conf, the wire and event serializers and the
/// persistence plugins of <see cref="RaftSystemSetup"/>, and Serilog as Akka's logger. Its own host (not the web
/// application's) so that the start order stays explicit: actor system, Raft (which recovers its log), then HTTP.
/// </summary>
internal static class NodeAkka
{
    public static async Task<(IHost Host, ActorSystem System)> StartAsync(NodeSettings settings, IConfiguration config, Serilog.ILogger logger,
        NodeStartOptions options, Security.SecuritySettings security, Akka.Remote.Transport.DotNetty.DotNettySslSetup? remotingTls = null)
    {
        var akka = AkkaSettingsOf(settings, config, options) with { Ssl = remotingTls is not null };
        // encryption at rest is configured under dsync.security but done by the persistence plugins
        var persistence = PersistenceSettings.FromConfiguration(config) with
        {
            NodeId = settings.NodeId,
            DataDirectory = settings.DataDir,
            DataKeyFile = security.DataKeyFile,
            AcceptPlaintext = security.AcceptPlaintext,
        };
        var rendered = AkkaConfig.Build(akka, shared: AkkaConfig.LoadStatic(SharedConfigFile()));
        if (options.AkkaOverrides is { Length: > 0 } overrides) rendered = ConfigurationFactory.ParseString(overrides).WithFallback(rendered);
        // the sharding replicator reads its quorum settings when the extension starts: they must be in the system config
        rendered = rendered.WithFallback(KeyHomes.Config);
        var setup = RaftSystemSetup.Create(rendered, persistence, registry =>
        {
            ClusterMessageIds.Register(registry);
            KeyHomeMessageIds.Register(registry);
            Queues.QueueGatewayMessageIds.Register(registry);
            DistSync.Cache.CacheMessageIds.Register(registry);
        });

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddAkka(DistSyncNode.SystemName, (b, _) =>
        {
            b.AddHocon(setup.Get<BootstrapSetup>().Value.Config.Value, HoconAddMode.Prepend);
            AddIfPresent<WireRegistrySetup>(b, setup);
            AddIfPresent<EventRegistrySetup>(b, setup);
            AddIfPresent<PersistenceEngineSetup>(b, setup);
            if (remotingTls is not null) b.AddSetup(remotingTls);
            b.ConfigureLoggers(l =>
            {
                l.LogLevel = AkkaLevelOf(settings.LogLevel);
                l.ClearLoggers();
                if (options.StaticSerilog) l.AddSerilogLogging();
                else l.AddLoggerFactory(new SerilogLoggerFactory(logger));
            });
        });
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        return (host, host.Services.GetRequiredService<ActorSystem>());
    }

    /// <summary>The typed Akka settings of this node; its seeds are joined by the host (<see cref="JoinTargets"/>), not
    /// through <c>akka.cluster.seed-nodes</c>.</summary>
    public static AkkaSettings AkkaSettingsOf(NodeSettings settings, IConfiguration config, NodeStartOptions options) => new()
    {
        SystemName = DistSyncNode.SystemName,
        NodeId = settings.NodeId,
        Hostname = settings.RemoteHost,
        Port = settings.RemotePort,
        PublicHostname = settings.PublicHostname,
        FailureDetector = FailureDetectorSettings.FromConfiguration(config),
        FaultInjection = settings.FaultInjection || options.FaultAdapters,
        Downing = DowningKind.Raft,
        // Akka.Hosting's ConfigureLoggers writes akka.loggers and akka.loglevel.
        Logger = AkkaLoggerKind.Default,
        LogLevel = AkkaLevelOf(settings.LogLevel).ToString().Replace("Level", "", StringComparison.Ordinal).ToUpperInvariant(),
    };

    /// <summary>
    /// Where this node joins Akka.Cluster. Akka's rule is that only the first seed of a list may form a new cluster
    /// (and only when no other seed answers that it is in one already), so every node must derive the same ordered
    /// list. A founder uses dsync.cluster.initial-members, in order (the same on every founder by contract). A node with
    /// only seeds (the other members) uses its seeds plus itself, sorted by host:port: nodes that list each other get
    /// the same list, and a late joiner that sorts first still joins the running cluster, which answers it. A node
    /// with neither forms a cluster of one. Akka membership is only the transport's view: Raft decides membership.
    /// </summary>
    public static IReadOnlyList<Address> JoinTargets(NodeSettings settings, Address self)
    {
        var protocol = self.Protocol;
        if (settings.InitialMembers.Any(m => m.NodeId == settings.NodeId))
            return [.. settings.InitialMembers.Select(m => m.NodeId == settings.NodeId ? self : m.RemoteAddress.WithProtocol(protocol))];
        if (settings.Seeds.Count > 0)
        {
            return [.. settings.Seeds.Select(s => DistSyncNode.SeedAddress(s, protocol)).Append(self)
                .DistinctBy(HostPort).OrderBy(HostPort, StringComparer.Ordinal)];
        }
        return [self];
    }

    private static string HostPort(Address a) => $"{a.Host}:{a.Port}";

    private static void AddIfPresent<T>(AkkaConfigurationBuilder builder, ActorSystemSetup setup)
        where T : Setup
    {
        var value = setup.Get<T>();
        if (value.HasValue) builder.AddSetup(value.Value);
    }

    /// <summary>hocon/akka.conf beside the process (the repository root or the test output), else the embedded copy.</summary>
    private static string? SharedConfigFile()
    {
        var path = Path.Combine("hocon", "akka.conf");
        return File.Exists(path) ? path : null;
    }

    private static Akka.Event.LogLevel AkkaLevelOf(Serilog.Events.LogEventLevel level) => level switch
    {
        Serilog.Events.LogEventLevel.Verbose or Serilog.Events.LogEventLevel.Debug => Akka.Event.LogLevel.DebugLevel,
        Serilog.Events.LogEventLevel.Information => Akka.Event.LogLevel.InfoLevel,
        Serilog.Events.LogEventLevel.Warning => Akka.Event.LogLevel.WarningLevel,
        _ => Akka.Event.LogLevel.ErrorLevel,
    };
}
