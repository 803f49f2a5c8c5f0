using DistSync.Queues.Wire;
using Google.Protobuf;

namespace DistSync.Queues.Tests;

/// <summary>
/// The reference model of one queue partition: the semantics of <see cref="QueuePartitionStateMachine"/> written as
/// plainly as possible (one list of messages, linear scans, state derived on the fly) so it can be read against the
/// spec and checked against the indexed implementation, result by result. Invalid results carry the field only.
/// </summary>
internal sealed class QueueModel(QueueOptions options)
{
    private readonly List<Message> _messages = [];
    private readonly List<(string MessageId, long Seq, long AtMs)> _produced = [];
    private readonly Dictionary<string, long> _fences = new(StringComparer.Ordinal);
    private long _acked;
    private long _deadLettered;

    public long NowMs { get; private set; }

    /// <summary>Applies one entry's bytes, as the state machine's <c>Apply</c> does.</summary>
    public QueueResult Apply(long index, long timestampMs, byte[] data)
    {
        NowMs = Math.Max(NowMs, timestampMs);
        var (expired, deadLettered) = ExpireDue();
        QueueCommand command;
        try
        {
            command = QueueCommand.Parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException)
        {
            return Invalid("command");
        }

        return command.CommandCase switch
        {
            QueueCommand.CommandOneofCase.Produce => Produce(index, command.Produce),
            QueueCommand.CommandOneofCase.Consume => Consume(index, command.Consume),
            QueueCommand.CommandOneofCase.Ack => Ack(command.Ack),
            QueueCommand.CommandOneofCase.Nack => Nack(command.Nack),
            QueueCommand.CommandOneofCase.ReleaseSession => Release(command.ReleaseSession.SessionId),
            QueueCommand.CommandOneofCase.Expire => new QueueResult { ExpiryApplied = new ExpiryApplied { LeasesExpired = expired, DeadLettered = deadLettered } },
            _ => Invalid("command"),
        };
    }

    /// <summary>What the model expects <see cref="QueuePartitionStateMachine.Stats"/> to say.</summary>
    public (int Ready, int Delayed, int InFlight, int DeadLettered, long Produced, long Acked, long DeadLetteredTotal) Stats() => (
        _messages.Count(m => !m.Dlq && IsReady(m)),
        _messages.Count(m => !m.Dlq && m.LeaseId == 0 && m.ReadyAtMs > NowMs),
        _messages.Count(m => !m.Dlq && m.LeaseId != 0),
        _messages.Count(m => m.Dlq),
        _produced.Count,
        _acked,
        _deadLettered);

    private bool IsReady(Message m) => m.LeaseId == 0 && m.ReadyAtMs <= NowMs;

    private (int Expired, int DeadLettered) ExpireDue()
    {
        var due = _messages.Where(m => m.LeaseId != 0 && m.DeadlineMs <= NowMs).OrderBy(m => m.DeadlineMs).ThenBy(m => m.Seq).ToList();
        return (due.Count, due.Count(m => Return(m, 0, DeadLetterReason.LeaseExpired)));
    }

    private QueueResult Produce(long index, Produce p)
    {
        if (p.MessageId.Length == 0 || p.MessageId.Length > options.MaxIdLength) return Invalid("messageId");
        if (p.Key.Length > options.MaxIdLength) return Invalid("key");
        if (p.Priority < 0 || p.Priority > 9) return Invalid("priority");
        if (p.Payload.Length > options.MaxPayloadBytes) return Invalid("payload");
        if (p.Fence is not null && (p.Fence.Resource.Length == 0 || p.Fence.Resource.Length > options.MaxIdLength)) return Invalid("fence.resource");
        if (p.Fence is not null && p.Fence.Token <= 0) return Invalid("fence.fencingToken");

        var original = _produced.LastOrDefault(r => r.MessageId == p.MessageId);
        if (original.MessageId is not null && NowMs - original.AtMs < options.DedupeWindowMs)
        {
            return new QueueResult { Produced = new Produced { Seq = original.Seq, MessageId = p.MessageId, Duplicate = true } };
        }

        if (p.Fence is not null)
        {
            var highest = _fences.GetValueOrDefault(p.Fence.Resource);
            if (p.Fence.Token < highest)
            {
                return new QueueResult { StaleFence = new StaleFence { Resource = p.Fence.Resource, Token = p.Fence.Token, HighestToken = highest } };
            }

            _fences[p.Fence.Resource] = p.Fence.Token;
        }

        _messages.Add(new Message { Seq = index, MessageId = p.MessageId, Key = p.Key, Priority = p.Priority, Payload = p.Payload });
        _produced.Add((p.MessageId, index, NowMs));
        return new QueueResult { Produced = new Produced { Seq = index, MessageId = p.MessageId } };
    }

    private QueueResult Consume(long index, Consume c)
    {
        if (c.Max < 1 || c.Max > options.MaxConsumeBatch) return Invalid("max");
        if (c.VisibilityMs < 1 || c.VisibilityMs > options.MaxVisibilityMs) return Invalid("visibilityMs");
        var result = new Consumed { LeaseDeadlineMs = NowMs + c.VisibilityMs };
        long bytes = 0;
        foreach (var m in _messages.Where(m => m.Dlq == c.DeadLetter && IsReady(m)).OrderByDescending(m => m.Priority).ThenBy(m => m.Seq))
        {
            bytes += m.Payload.Length;
            if (result.Messages.Count == c.Max || (result.Messages.Count > 0 && bytes > options.MaxConsumeBytes)) break;
            m.LeaseId = index;
            m.DeadlineMs = result.LeaseDeadlineMs;
            m.Session = c.ConsumerSessionId;
            m.Deliveries++;
            result.Messages.Add(new ConsumedMessage
            {
                Seq = m.Seq, LeaseId = index, MessageId = m.MessageId, Key = m.Key, Priority = m.Priority,
                DeliveryCount = m.Deliveries, Payload = m.Payload, DeadLetterReason = m.Reason,
            });
        }

        return new QueueResult { Consumed = result };
    }

    private QueueResult Ack(Ack a)
    {
        if (a.Receipts.Count > options.MaxReceipts) return Invalid("receipts");
        var result = new Acked();
        foreach (var r in a.Receipts)
        {
            var m = _messages.FirstOrDefault(m => m.Seq == r.Seq && m.LeaseId != 0 && m.LeaseId == r.LeaseId);
            if (m is null)
            {
                result.Unknown.Add(r.Clone());
                continue;
            }

            _messages.Remove(m);
            _acked++;
            result.AckedCount++;
        }

        return new QueueResult { Acked = result };
    }

    private QueueResult Nack(Nack n)
    {
        if (n.Receipts.Count > options.MaxReceipts) return Invalid("receipts");
        if (n.DelayMs < 0 || n.DelayMs > options.MaxDelayMs) return Invalid("delayMs");
        var result = new Nacked();
        foreach (var r in n.Receipts)
        {
            var m = _messages.FirstOrDefault(m => m.Seq == r.Seq && m.LeaseId != 0 && m.LeaseId == r.LeaseId);
            if (m is null) result.Unknown.Add(r.Clone());
            else if (Return(m, n.DelayMs, DeadLetterReason.Nacked)) result.DeadLettered++;
            else result.Returned++;
        }

        return new QueueResult { Nacked = result };
    }

    private QueueResult Release(ulong sessionId)
    {
        if (sessionId == 0) return Invalid("sessionId");
        var result = new SessionReleased { SessionId = sessionId };
        foreach (var m in _messages.Where(m => m.LeaseId != 0 && m.Session == sessionId).ToList())
        {
            if (Return(m, 0, DeadLetterReason.SessionReleased)) result.DeadLettered++;
            else result.Returned++;
        }

        return new QueueResult { SessionReleased = result };
    }

    /// <summary>Ends a lease; true when the message went to the dead-letter queue.</summary>
    private bool Return(Message m, long delayMs, DeadLetterReason reason)
    {
        m.LeaseId = 0;
        m.DeadlineMs = 0;
        m.Session = 0;
        if (!m.Dlq && m.Deliveries >= options.MaxDeliveries)
        {
            m.Dlq = true;
            m.Reason = reason;
            m.Deliveries = 0;
            m.ReadyAtMs = 0;
            _deadLettered++;
            return true;
        }

        m.ReadyAtMs = NowMs + delayMs;
        return false;
    }

    private static QueueResult Invalid(string field) => new() { Invalid = new Invalid { Field = field } };

    private sealed class Message
    {
        public long Seq { get; init; }
        public string MessageId { get; init; } = "";
        public string Key { get; init; } = "";
        public int Priority { get; init; }
        public ByteString Payload { get; init; } = ByteString.Empty;
        public int Deliveries { get; set; }
        public bool Dlq { get; set; }
        public DeadLetterReason Reason { get; set; }
        public long ReadyAtMs { get; set; }
        public long LeaseId { get; set; }
        public long DeadlineMs { get; set; }
        public ulong Session { get; set; }
    }
}
