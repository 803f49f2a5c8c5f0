using DistSync.Cluster.Logging;
using DistSync.Hocon;
using DistSync.KeyValue;
using DistSync.Raft.Hosting;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Node.Hosting;

/// <summary>
/// The node host's settings, read once from configuration (defaults and a comment per key in hocon/node.conf).
/// Invalid values fail at startup with a message naming the key, never later.
/// </summary>
public sealed record NodeSettings
{
    public required string NodeId { get; init; }
    public required string DataDir { get; init; }
    public required string HttpHost { get; init; }
    public required int HttpPort { get; init; }
    public required string RemoteHost { get; init; }
    public required int RemotePort { get; init; }
    /// <summary>The host peers reach this node by, when it differs from <see cref="RemoteHost"/> (a container bound to
    /// 0.0.0.0 advertises its service name): <c>dsync.remote.public-hostname</c>. Null: <see cref="RemoteHost"/>.</summary>
    public string? PublicHostname { get; init; }
    /// <summary>Remoting addresses (<c>host:port</c>) of the other members to contact at startup.</summary>
    public required IReadOnlyList<string> Seeds { get; init; }
    /// <summary>
    /// The founding members of the meta Raft group (<c>nodeId@host:port</c>, the same list on every founding node).
    /// Empty with no seeds: a single-node cluster of this node. Empty with seeds: this node joins through them.
    /// </summary>
    public required IReadOnlyList<RaftMember> InitialMembers { get; init; }
    public required bool FaultInjection { get; init; }
    public required KvLimits KvLimits { get; init; }
    public required TimeSpan KvSessionTimeout { get; init; }
    /// <summary>Changes buffered per watcher (<c>dsync.kv.watch-buffer</c>).</summary>
    public int KvWatchBuffer { get; init; } = 1024;
    /// <summary>Idle interval between a watch stream's keep-alive comments (<c>dsync.kv.watch-keep-alive</c>).</summary>
    public TimeSpan KvWatchKeepAlive { get; init; } = TimeSpan.FromSeconds(15);
    public required long MaxRequestBodyBytes { get; init; }
    public required TimeSpan RequestTimeout { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }
    /// <summary>Minimum level of the node's log (<c>dsync.log.level</c>); Akka's own log level follows it.</summary>
    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    public static NodeSettings From(IConfiguration config)
    {
        var nodeId = config.GetString("dsync.node.id", "");
        if (string.IsNullOrWhiteSpace(nodeId)) throw new FormatException("configuration key 'dsync.node.id' must be set (a short unique name such as 'n1')");
        var settings = new NodeSettings
        {
            NodeId = nodeId,
            DataDir = config.GetString("dsync.node.data-dir", Path.Combine("data", nodeId)),
            HttpHost = config.GetString("dsync.http.host", "127.0.0.1"),
            HttpPort = config.GetInt("dsync.http.port", 8080),
            RemoteHost = config.GetString("dsync.remote.host", "127.0.0.1"),
            RemotePort = config.GetInt("dsync.remote.port", 4053),
            PublicHostname = NullIfBlank(config.GetString("dsync.remote.public-hostname", "")),
            Seeds = ReadList(config, "dsync.cluster.seeds"),
            InitialMembers = ReadInitialMembers(config),
            FaultInjection = config.GetBool("dsync.testing.fault-injection", false),
            KvLimits = new KvLimits((int)config.GetSize("dsync.kv.max-key-size", 1024), (int)config.GetSize("dsync.kv.max-value-size", 256 * 1024),
                config.GetInt("dsync.kv.watch-history", KvLimits.DefaultWatchHistory), config.GetSize("dsync.kv.watch-history-size", KvLimits.DefaultWatchHistoryBytes)),
            KvWatchBuffer = config.GetInt("dsync.kv.watch-buffer", 1024),
            KvWatchKeepAlive = config.GetDuration("dsync.kv.watch-keep-alive", TimeSpan.FromSeconds(15)),
            KvSessionTimeout = config.GetDuration("dsync.kv.session-timeout", TimeSpan.FromMinutes(10)),
            MaxRequestBodyBytes = config.GetSize("dsync.http.max-request-body", 1024 * 1024),
            RequestTimeout = config.GetDuration("dsync.http.request-timeout", TimeSpan.FromSeconds(5)),
            ShutdownTimeout = config.GetDuration("dsync.node.shutdown-timeout", TimeSpan.FromSeconds(10)),
            LogLevel = DistSyncLogging.ParseLevel(config.GetString("dsync.log.level", "information")),
        };
        CheckPort("dsync.http.port", settings.HttpPort);
        try
        {
            settings.KvLimits.Validate();
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new FormatException($"configuration keys 'dsync.kv.max-key-size' / 'dsync.kv.max-value-size' / 'dsync.kv.watch-history*': {e.Message}", e);
        }
        if (settings.KvWatchBuffer < 1) throw new FormatException("configuration key 'dsync.kv.watch-buffer' must be at least 1");
        if (settings.KvWatchKeepAlive <= TimeSpan.Zero) throw new FormatException("configuration key 'dsync.kv.watch-keep-alive' must be positive");
        if (settings.KvSessionTimeout <= TimeSpan.Zero) throw new FormatException("configuration key 'dsync.kv.session-timeout' must be positive");
        CheckPort("dsync.remote.port", settings.RemotePort);
        foreach (var seed in settings.Seeds)
        {
            if (!TryParseHostPort(seed, out _, out _)) throw new FormatException($"configuration key 'dsync.cluster.seeds' holds '{seed}', which is not host:port");
        }
        return settings;
    }

    public static bool TryParseHostPort(string text, out string host, out int port)
    {
        host = "";
        port = 0;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        host = text[..colon];
        return int.TryParse(text.AsSpan(colon + 1), out port) && port is > 0 and < 65536;
    }

    private static string? NullIfBlank(string text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static void CheckPort(string key, int port)
    {
        // 0 lets the OS choose (tests); otherwise a real port number.
        if (port is < 0 or > 65535) throw new FormatException($"configuration key '{key}' is {port}; a port is 0..65535");
    }

    private static IReadOnlyList<RaftMember> ReadInitialMembers(IConfiguration config)
    {
        try
        {
            return RaftMember.ParseList(ReadList(config, "dsync.cluster.initial-members"), DistSyncNode.SystemName);
        }
        catch (FormatException e)
        {
            throw new FormatException($"configuration key 'dsync.cluster.initial-members': {e.Message}", e);
        }
    }

    private static IReadOnlyList<string> ReadList(IConfiguration config, string key)
    {
        var list = config.GetStringList(key);
        if (list.Count > 0) return list;
        // A single comma-separated value also works (handy on the command line).
        var single = config.GetString(key, "");
        return single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
