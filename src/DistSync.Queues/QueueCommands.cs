using DistSync.Queues.Wire;
using Google.Protobuf;

namespace DistSync.Queues;

/// <summary>
/// Builds the <see cref="QueueCommand"/>s a host proposes to a partition group; <see cref="Encode"/> gives the entry
/// bytes. Builders do not check bounds: the state machine does, on the log, and answers <see cref="Invalid"/>.
/// </summary>
public static class QueueCommands
{
    /// <param name="messageId">Required: retries with the same id inside the dedupe window store nothing.</param>
    /// <param name="key">"" for none.</param>
    /// <param name="priority">0..9, 9 delivered first.</param>
    /// <param name="fenceResource">With <paramref name="fenceToken"/>: the lock whose token guards this produce; null for none.</param>
    public static QueueCommand Produce(string messageId, ReadOnlySpan<byte> payload, int priority = 0, string key = "", string? fenceResource = null, long fenceToken = 0)
    {
        var produce = new Produce { MessageId = messageId ?? "", Key = key ?? "", Priority = priority, Payload = ByteString.CopyFrom(payload) };
        if (fenceResource is not null)
        {
            produce.Fence = new Fence { Resource = fenceResource, Token = fenceToken };
        }

        return new QueueCommand { Produce = produce };
    }

    /// <param name="consumerSessionId">The session whose end returns these leases at once; 0 for none.</param>
    /// <param name="deadLetter">Consume the partition's dead-letter queue (<c>&lt;queue&gt;.dlq</c>).</param>
    public static QueueCommand Consume(int max, long visibilityMs, ulong consumerSessionId = 0, bool deadLetter = false) =>
        new() { Consume = new Consume { Max = max, VisibilityMs = visibilityMs, ConsumerSessionId = consumerSessionId, DeadLetter = deadLetter } };

    public static QueueCommand Ack(IEnumerable<Receipt> receipts) => new() { Ack = new Ack { Receipts = { receipts } } };

    public static QueueCommand Nack(IEnumerable<Receipt> receipts, long delayMs = 0) =>
        new() { Nack = new Nack { Receipts = { receipts }, DelayMs = delayMs } };

    public static QueueCommand ReleaseSession(ulong sessionId) => new() { ReleaseSession = new ReleaseSession { SessionId = sessionId } };

    public static QueueCommand Expire() => new() { Expire = new Expire() };

    /// <summary>The receipt of one lease, as <see cref="ConsumedMessage.Seq"/> and <see cref="ConsumedMessage.LeaseId"/> gave it.</summary>
    public static Receipt Receipt(long seq, long leaseId) => new() { Seq = seq, LeaseId = leaseId };

    public static byte[] Encode(QueueCommand command) => command.ToByteArray();
}
