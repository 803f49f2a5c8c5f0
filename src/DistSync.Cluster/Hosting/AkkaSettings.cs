using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Logging;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Cluster.Hosting;

/// <summary>
/// The per-node values of the Akka config, typed (rendered by <see cref="AkkaConfig"/> on top of hocon/akka.conf).
/// <see cref="FromConfiguration"/> reads them from DistSync's own configuration (dsync.* keys).
/// </summary>
public sealed record AkkaSettings
{
    /// <summary>Every node's actor system has this name, so addresses differ only by host:port.</summary>
    public const string DefaultSystemName = "dsync";

    public string SystemName { get; init; } = DefaultSystemName;

    /// <summary>This node's id; becomes the cluster role <c>dsync-node:&lt;id&gt;</c> when set.</summary>
    public string? NodeId { get; init; }

    /// <summary>Interface remoting binds to (<c>dsync.remote.host</c>).</summary>
    public string Hostname { get; init; } = "127.0.0.1";

    /// <summary>Remoting port (<c>dsync.remote.port</c>); 0 binds any free port (tests).</summary>
    public int Port { get; init; }

    /// <summary>The host peers use to reach this node, when it differs from <see cref="Hostname"/> (a container bound to
    /// 0.0.0.0 advertises its service name): <c>dsync.remote.public-hostname</c>.</summary>
    public string? PublicHostname { get; init; }

    /// <summary>Seeds, the same ordered list on every node (only the first may form a new cluster): <c>host:port</c>,
    /// <c>system@host:port</c> or full addresses; rendered with this node's protocol.</summary>
    public IReadOnlyList<string> SeedNodes { get; init; } = [];

    /// <summary>Cluster roles besides the node-id role.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public FailureDetectorSettings FailureDetector { get; init; } = new();

    /// <summary>Runs the throttler and failure-injector adapters (<c>dsync.testing.fault-injection</c>); the protocol
    /// becomes <c>akka.trttl.gremlin.tcp</c>, so every node of a cluster must agree.</summary>
    public bool FaultInjection { get; init; }

    /// <summary>Remoting over TLS (<c>enable-ssl</c>; the certificate and validator come in a <c>DotNettySslSetup</c>):
    /// the protocol becomes <c>akka.ssl.tcp</c>, so every node of a cluster must agree.</summary>
    public bool Ssl { get; init; }

    public DowningKind Downing { get; init; } = DowningKind.Raft;

    public AkkaLoggerKind Logger { get; init; } = AkkaLoggerKind.Serilog;

    /// <summary>Akka's log level: DEBUG, INFO, WARNING or ERROR.</summary>
    public string LogLevel { get; init; } = "INFO";

    /// <summary>Overrides hocon/akka.conf's <c>maximum-frame-size</c> when set.</summary>
    public long? MaximumFrameSize { get; init; }

    /// <summary>Overrides hocon/akka.conf's <c>retry-gate-closed-for</c> when set.</summary>
    public TimeSpan? RetryGateClosedFor { get; init; }

    /// <summary>The remoting protocol these settings give: <c>akka.tcp</c>, <c>akka.ssl.tcp</c>, and with the fault
    /// adapters <c>akka.trttl.gremlin.tcp</c> or <c>akka.trttl.gremlin.ssl.tcp</c>.</summary>
    public string Protocol => "akka." + (FaultInjection ? "trttl.gremlin." : "") + (Ssl ? "ssl.tcp" : "tcp");

    /// <summary>Reads <c>dsync.node.id</c>, <c>dsync.remote.{host,port,public-hostname}</c>, <c>dsync.cluster.seeds</c>,
    /// <c>dsync.failure-detector.*</c> and <c>dsync.testing.fault-injection</c>; other fields keep their defaults.</summary>
    public static AkkaSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var nodeId = configuration.GetString("dsync.node.id", "");
        var publicHost = configuration.GetString("dsync.remote.public-hostname", "");
        var port = configuration.GetInt("dsync.remote.port", 4053);
        if (port is < 0 or > 65535) throw new FormatException($"configuration key 'dsync.remote.port' is {port}; a port is 0..65535");
        return new AkkaSettings
        {
            NodeId = nodeId.Length == 0 ? null : nodeId,
            Hostname = configuration.GetString("dsync.remote.host", "127.0.0.1"),
            Port = port,
            PublicHostname = publicHost.Length == 0 ? null : publicHost,
            SeedNodes = configuration.GetStringList("dsync.cluster.seeds"),
            FailureDetector = FailureDetectorSettings.FromConfiguration(configuration),
            FaultInjection = configuration.GetBool("dsync.testing.fault-injection", false),
        };
    }
}
