using DistSync.Queues.Wire;
using Google.Protobuf;

namespace DistSync.Queues;

/// <summary>
/// One stored message of a partition, in exactly one state: ready, delayed (<see cref="ReadyAtMs"/> in the future),
/// or in flight (<see cref="LeaseId"/> != 0), in the main or the dead-letter sub-queue. Mutable: the partition moves
/// it between its indexes and keeps those indexes in step with these fields.
/// </summary>
internal sealed class QueueMessage(long seq, string messageId, string key, int priority, ByteString payload)
{
    /// <summary>The Raft index of the produce entry: unique in the partition, and commit order.</summary>
    public long Seq { get; } = seq;

    public string MessageId { get; } = messageId;

    public string Key { get; } = key;

    public int Priority { get; } = priority;

    public ByteString Payload { get; } = payload;

    /// <summary>Deliveries in the current sub-queue (the first is 1); reset to 0 when dead-lettered.</summary>
    public int DeliveryCount { get; set; }

    public bool DeadLetter { get; set; }

    public DeadLetterReason DeadLetterReason { get; set; }

    /// <summary>While delayed: the log time it becomes ready; 0 otherwise.</summary>
    public long ReadyAtMs { get; set; }

    /// <summary>The Raft index of the consume entry that leased it; 0 when not in flight.</summary>
    public long LeaseId { get; set; }

    /// <summary>While in flight: the log time its lease runs out (it is due when the log time reaches it).</summary>
    public long LeaseDeadlineMs { get; set; }

    /// <summary>While in flight: the consumer session holding the lease (0 = none).</summary>
    public ulong SessionId { get; set; }

    public bool InFlight => LeaseId != 0;
}
