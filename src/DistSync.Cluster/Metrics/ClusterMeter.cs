using System.Diagnostics.Metrics;
using DistSync.Cluster.Serialization;

namespace DistSync.Cluster.Metrics;

/// <summary>
/// The Akka layer's counters on the Meter <c>DistSync.Cluster</c> (for in-process listeners such as dotnet-counters; the
/// node's <c>/metrics</c> reads <see cref="WireMetrics"/> and <see cref="DeadLetters"/> on scrape): messages and bytes
/// through the wire serializer, messages dropped because they could not be serialized or parsed, and dead letters
/// (messages Akka could not deliver: to a stopped actor, to a gated or unreachable peer).
/// </summary>
public static class ClusterMeter
{
    public const string Name = "DistSync.Cluster";

    private static readonly Meter Meter = new(Name);
    private static long deadLetters;

    static ClusterMeter()
    {
        Meter.CreateObservableCounter("dsync_remote_messages_sent_total", () => WireMetrics.MessagesOut, description: "messages serialized by dsync-wire for another node");
        Meter.CreateObservableCounter("dsync_remote_bytes_sent_total", () => WireMetrics.BytesOut, unit: "By", description: "payload bytes serialized by dsync-wire");
        Meter.CreateObservableCounter("dsync_remote_messages_received_total", () => WireMetrics.MessagesIn, description: "messages parsed by dsync-wire from another node");
        Meter.CreateObservableCounter("dsync_remote_bytes_received_total", () => WireMetrics.BytesIn, unit: "By", description: "payload bytes parsed by dsync-wire");
        Meter.CreateObservableCounter("dsync_remote_malformed_total", () => WireMetrics.Failures, description: "messages dropped: unknown manifest, unparsable bytes or no type id (each is logged by Akka)");
        Meter.CreateObservableCounter("dsync_dead_letters_total", () => Interlocked.Read(ref deadLetters), description: "messages Akka could not deliver (stopped actor, gated or unreachable peer)");
    }

    /// <summary>Dead letters counted so far in this process.</summary>
    public static long DeadLetters => Interlocked.Read(ref deadLetters);

    /// <summary>Makes sure the instruments exist (the static constructor runs once).</summary>
    public static void EnsureCreated() => _ = Meter;

    internal static void CountDeadLetter() => Interlocked.Increment(ref deadLetters);
}
