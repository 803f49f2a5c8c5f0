namespace DistSync.Cluster.Serialization;

/// <summary>Process-wide counters of <see cref="DistSyncWireSerializer"/> (exported on <c>/metrics</c>): messages and
/// bytes each way, and messages that could not be serialized or parsed (each one is also logged by Akka).</summary>
public static class WireMetrics
{
    private static long messagesOut, bytesOut, messagesIn, bytesIn, failures;

    public static long MessagesOut => Interlocked.Read(ref messagesOut);
    public static long BytesOut => Interlocked.Read(ref bytesOut);
    public static long MessagesIn => Interlocked.Read(ref messagesIn);
    public static long BytesIn => Interlocked.Read(ref bytesIn);

    /// <summary>Malformed, unknown or unserializable messages: dropped, never delivered.</summary>
    public static long Failures => Interlocked.Read(ref failures);

    internal static void CountOut(int bytes)
    {
        Interlocked.Increment(ref messagesOut);
        Interlocked.Add(ref bytesOut, bytes);
    }

    internal static void CountIn(int bytes)
    {
        Interlocked.Increment(ref messagesIn);
        Interlocked.Add(ref bytesIn, bytes);
    }

    internal static void CountFailure() => Interlocked.Increment(ref failures);
}
