using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

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
    /// <summary>Remoting addresses (<c>host:port</c>) of the other members to contact at startup.</summary>
    public required IReadOnlyList<string> Seeds { get; init; }
    public required bool FaultInjection { get; init; }
    public required long MaxRequestBodyBytes { get; init; }
    public required TimeSpan RequestTimeout { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }

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
            Seeds = ReadList(config, "dsync.cluster.seeds"),
            FaultInjection = config.GetBool("dsync.testing.fault-injection", false),
            MaxRequestBodyBytes = config.GetSize("dsync.http.max-request-body", 1024 * 1024),
            RequestTimeout = config.GetDuration("dsync.http.request-timeout", TimeSpan.FromSeconds(5)),
            ShutdownTimeout = config.GetDuration("dsync.node.shutdown-timeout", TimeSpan.FromSeconds(10)),
        };
        CheckPort("dsync.http.port", settings.HttpPort);
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

    private static void CheckPort(string key, int port)
    {
        // 0 lets the OS choose (tests); otherwise a real port number.
        if (port is < 0 or > 65535) throw new FormatException($"configuration key '{key}' is {port}; a port is 0..65535");
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
