using System.Globalization;
using System.Text;
using Akka.Configuration;
using DistSync.Cluster.Downing;
using DistSync.Cluster.FailureDetection;
using DistSync.Cluster.Logging;
using DistSync.Cluster.Placement;
using DistSync.Cluster.Serialization;
using DistSync.Hocon;

namespace DistSync.Cluster.Hosting;

/// <summary>
/// Builds a node's Akka config: the per-node values of <see cref="AkkaSettings"/> (rendered here, they win), the wire
/// serializer's bindings of a <see cref="MessageTypeRegistry"/>, then the shared defaults of hocon/akka.conf, read with
/// DistSync.Hocon (includes, <c>${?ENV}</c> and <c>+=</c> work there, unlike in Akka's parser) and rendered as plain
/// HOCON for Akka. Every key and string is quoted when rendered, so no value is reinterpreted on the way.
/// </summary>
public static class AkkaConfig
{
    /// <summary>Name of the embedded copy of hocon/akka.conf.</summary>
    public const string EmbeddedResourceName = "DistSync.Cluster.akka.conf";

    /// <summary>Akka's downing provider that never downs.</summary>
    public const string NoDowningClass = "Akka.Cluster.NoDowning, Akka.Cluster";

    /// <summary>Reads hocon/akka.conf from <paramref name="path"/>, or the copy embedded in this assembly when null.</summary>
    public static HoconObject LoadStatic(string? path = null)
    {
        if (path is not null) return HoconLoader.ParseFile(path);
        using var stream = typeof(AkkaConfig).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"resource {EmbeddedResourceName} is missing from {typeof(AkkaConfig).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return HoconLoader.ParseString(reader.ReadToEnd());
    }

    /// <summary>The whole config: <paramref name="settings"/> over the wire bindings of <paramref name="wire"/> (when
    /// given) over <paramref name="shared"/> (hocon/akka.conf; the embedded copy when null).</summary>
    public static Config Build(AkkaSettings settings, MessageTypeRegistry? wire = null, HoconObject? shared = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var config = ConfigurationFactory.ParseString(RenderSettings(settings));
        if (wire is not null) config = config.WithFallback(ConfigurationFactory.ParseString(WireSerialization.Config(wire)));
        return config.WithFallback(ConfigurationFactory.ParseString(Render(shared ?? LoadStatic())));
    }

    /// <summary>The per-node part as HOCON text.</summary>
    public static string RenderSettings(AkkaSettings s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder();
        Line(sb, "akka.loglevel", Q(s.LogLevel));
        switch (s.Logger)
        {
            case AkkaLoggerKind.Serilog:
                Line(sb, "akka.loggers", List([AkkaLogging.SerilogLoggerClass]));
                Line(sb, "akka.logger-formatter", Q(AkkaLogging.SerilogFormatterClass));
                break;
            case AkkaLoggerKind.PerSystem:
                Line(sb, "akka.loggers", List([AkkaLogging.LoggerFactoryLoggerClass]));
                break;
        }

        const string tcp = "akka.remote.dot-netty.tcp";
        Line(sb, tcp + ".hostname", Q(s.Hostname));
        Line(sb, tcp + ".port", Q(s.Port.ToString(CultureInfo.InvariantCulture)));
        if (!string.IsNullOrEmpty(s.PublicHostname)) Line(sb, tcp + ".public-hostname", Q(s.PublicHostname));
        Line(sb, tcp + ".applied-adapters", List(s.FaultInjection ? ["trttl", "gremlin"] : []));
        Line(sb, tcp + ".enable-ssl", s.Ssl ? "on" : "off");
        if (s.MaximumFrameSize is { } frame) Line(sb, tcp + ".maximum-frame-size", Q(frame.ToString(CultureInfo.InvariantCulture) + "b"));
        if (s.RetryGateClosedFor is { } gate) Line(sb, "akka.remote.retry-gate-closed-for", Duration(gate));

        Line(sb, "akka.cluster.seed-nodes", List([.. s.SeedNodes.Select(seed => SeedAddress(s, seed))]));
        var roles = new List<string>();
        if (!string.IsNullOrEmpty(s.NodeId)) roles.Add(NodeIdentity.RoleFor(s.NodeId));
        roles.AddRange(s.Roles);
        Line(sb, "akka.cluster.roles", List(roles));
        Line(sb, "akka.cluster.downing-provider-class", Q(s.Downing == DowningKind.Raft ? RaftDowningProvider.ProviderClass : NoDowningClass));

        var fd = s.FailureDetector;
        fd.Validate();
        const string fdPath = "akka.cluster.failure-detector";
        Line(sb, fdPath + ".implementation-class", Q(ObservablePhiAccrualFailureDetector.ImplementationClass));
        Line(sb, fdPath + ".threshold", Q(fd.Threshold.ToString("R", CultureInfo.InvariantCulture)));
        Line(sb, fdPath + ".heartbeat-interval", Duration(fd.HeartbeatInterval));
        Line(sb, fdPath + ".acceptable-heartbeat-pause", Duration(fd.AcceptableHeartbeatPause));
        Line(sb, fdPath + ".min-std-deviation", Duration(fd.MinStdDeviation));
        Line(sb, fdPath + ".max-sample-size", Q(fd.MaxSampleSize.ToString(CultureInfo.InvariantCulture)));
        // Akka expects the first heartbeat reply within this; keep it with the interval.
        Line(sb, fdPath + ".expected-response-after", Duration(fd.HeartbeatInterval));
        return sb.ToString();
    }

    /// <summary>The full address of a seed entry (<c>host:port</c>, <c>system@host:port</c> or with a scheme), with
    /// the protocol of <paramref name="settings"/>.</summary>
    public static string SeedAddress(AkkaSettings settings, string seed)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(seed);
        var text = seed.Contains('@', StringComparison.Ordinal) ? seed : settings.SystemName + "@" + seed;
        return NodeAddress.Parse(text, settings.Protocol).ToString();
    }

    /// <summary>A resolved DistSync.Hocon tree as HOCON text for Akka's parser.</summary>
    public static string Render(HoconObject tree)
    {
        ArgumentNullException.ThrowIfNull(tree);
        var sb = new StringBuilder();
        WriteFields(sb, tree, 0);
        return sb.ToString();
    }

    private static void WriteFields(StringBuilder sb, HoconObject obj, int indent)
    {
        foreach (var key in obj.Keys)
        {
            sb.Append(' ', indent * 2).Append(Q(key)).Append(" = ");
            WriteValue(sb, obj[key], indent);
            sb.Append('\n');
        }
    }

    private static void WriteValue(StringBuilder sb, HoconValue value, int indent)
    {
        switch (value)
        {
            case HoconObject child:
                sb.Append("{\n");
                WriteFields(sb, child, indent + 1);
                sb.Append(' ', indent * 2).Append('}');
                break;
            case HoconArray array:
                sb.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) sb.Append(", ");
                    WriteValue(sb, array[i], indent + 1);
                }
                sb.Append(']');
                break;
            case HoconScalar scalar:
                sb.Append(scalar.IsNull ? "null" : Q(scalar.Text!));
                break;
            default:
                throw new InvalidOperationException($"{value.Origin}: unresolved value; resolve the tree first");
        }
    }

    private static void Line(StringBuilder sb, string path, string value) => sb.Append(path).Append(" = ").Append(value).Append('\n');

    private static string List(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Q)) + "]";

    private static string Duration(TimeSpan t) => Q(((long)t.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) + "ms");

    private static string Q(string text) => HoconText.Quote(text);
}
