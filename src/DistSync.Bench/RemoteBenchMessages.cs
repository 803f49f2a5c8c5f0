using DistSync.Bench.Wire;
using DistSync.Cluster.Serialization;

namespace DistSync.Bench;

/// <summary>
/// Wire type ids of the benchmark messages (the block 60000 and up that <see cref="MessageTypeRegistry"/> leaves to tests
/// and benchmarks). They only live between the two actor systems of one run, so they may change freely.
/// </summary>
internal static class RemoteBenchMessages
{
    public const uint Payload = 60010;
    public const uint Ack = 60011;
    public const uint Ping = 60012;
    public const uint Entry = 60013;
    public const uint Append = 60014;
    public const uint AppendReply = 60015;

    /// <summary>A registry holding the bench messages, as the node's registry holds the modules' messages.</summary>
    public static MessageTypeRegistry CreateRegistry()
    {
        var registry = new MessageTypeRegistry();
        registry.Register(Payload, BenchPayload.Parser);
        registry.Register(Ack, BenchAck.Parser);
        registry.Register(Ping, BenchPing.Parser);
        registry.Register(Entry, BenchEntry.Parser);
        registry.Register(Append, BenchAppend.Parser);
        registry.Register(AppendReply, BenchAppendReply.Parser);
        return registry;
    }
}
