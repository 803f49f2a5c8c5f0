using DistSync.Queues.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.Queues;

/// <summary>
/// The replicated state of ONE partition of one named queue and the same partition of its dead-letter queue
/// (<c>&lt;queue&gt;.dlq</c>, consumed through this group with <see cref="Consume.DeadLetter"/>), so dead-lettering is
/// one atomic step of one Raft group. Pure: no clock, no threads, no IO, no randomness: every input is an entry's
/// Raft index, its leader-stamped log time and its <see cref="QueueCommand"/>, so replicas applying the same log hold
/// the same state and give the same results, byte for byte. Not thread-safe: one owner applies entries and queries.
/// </summary>
/// <remarks>
/// <para><b>Time.</b> The partition's clock is the largest log time applied. Before every command, whatever is due at
/// that time ends (<see cref="Expire"/> only carries time): expired leases redeliver, nack delays that passed make
/// their message ready, dedupe ids leave the window. So no result depends on whether an Expire came first; the host
/// proposes one when its clock reaches <see cref="NextDeadlineMs"/> (the earliest lease deadline) only so that
/// leases of an idle partition still end on time.</para>
/// <para><b>Delivery order.</b> Priority 9 first, then commit order (seq = the Raft index of the produce), so
/// messages of one key and priority are delivered in produce order; a redelivered message takes its commit-order
/// place again, ahead of later ones.</para>
/// <para><b>Receipts.</b> A lease is (seq, lease id = the Raft index of the consume). Ack and nack act only on the
/// current lease of a message, so a receipt from before a redelivery, or of a lease that expired, is "unknown".</para>
/// <para><b>Dead letters.</b> When the lease of delivery number <see cref="QueueOptions.MaxDeliveries"/> ends
/// without an ack (expiry, nack or session release), the message moves to the dead-letter sub-queue, keeping seq,
/// id, key, priority and payload, with delivery count 0 and the reason. Dead letters are never moved again.</para>
/// <para><b>Bad input</b> gets an <see cref="Invalid"/> result naming the field, unparseable bytes included; Apply
/// throws only when the host applies an entry out of order (a bug that must stop the group).</para>
/// </remarks>
public sealed class QueuePartitionStateMachine : IRaftStateMachine
{
    private static readonly byte[] ExpireBytes = new QueueCommand { Expire = new Expire() }.ToByteArray();

    private QueuePartition _partition;

    public QueuePartitionStateMachine(QueueOptions? options = null)
    {
        Options = options ?? QueueOptions.Default;
        Options.Validate();
        _partition = new QueuePartition(Options);
    }

    public QueueOptions Options { get; }

    /// <summary>The index of the last applied entry (0 before the first).</summary>
    public long LastAppliedIndex => _partition.LastAppliedIndex;

    /// <summary>The partition's clock: the largest log time applied.</summary>
    public long LastLogTimeMs => _partition.NowMs;

    /// <summary>The earliest lease deadline, or null when nothing is in flight (nack delays need no Expire).</summary>
    public long? NextDeadlineMs => _partition.NextLeaseDeadlineMs;

    /// <summary>An encoded <see cref="Wire.Expire"/> command.</summary>
    public ReadOnlyMemory<byte> ExpireCommand => ExpireBytes;

    /// <summary>The state the tests inspect.</summary>
    internal QueuePartition Partition => _partition;

    /// <summary>Applies a committed entry carrying an encoded <see cref="QueueCommand"/>; returns the encoded <see cref="QueueResult"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The index is not after <see cref="LastAppliedIndex"/> (a host bug).</exception>
    public ReadOnlyMemory<byte> Apply(AppliedEntry entry)
    {
        QueueCommand? command;
        try
        {
            command = QueueCommand.Parser.ParseFrom(entry.Data.Span);
        }
        catch (InvalidProtocolBufferException)
        {
            command = null; // still an applied entry: the index and clock advance on every replica alike
        }

        return Apply(entry.Index, entry.TimestampMs, command).ToByteArray();
    }

    /// <summary>Applies one committed command (null = bytes that were not a command: answered <see cref="Invalid"/>).</summary>
    /// <param name="index">The entry's Raft index; strictly greater than every index applied before (gaps are fine: the host skips no-op entries).</param>
    /// <param name="timestampMs">The leader's clock stamped on the entry.</param>
    /// <exception cref="ArgumentOutOfRangeException">The index is not after <see cref="LastAppliedIndex"/> (a host bug); nothing changed.</exception>
    public QueueResult Apply(long index, long timestampMs, QueueCommand? command)
    {
        if (index <= LastAppliedIndex)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Entry {index} is not after the last applied entry {LastAppliedIndex}.");
        }

        var (expired, deadLettered) = _partition.Advance(index, timestampMs);
        if (command is null)
        {
            return Invalid("command", "The entry is not a queue command (unparseable Protobuf).");
        }

        return command.CommandCase switch
        {
            QueueCommand.CommandOneofCase.Produce => Produce(index, command.Produce),
            QueueCommand.CommandOneofCase.Consume => Consume(index, command.Consume),
            QueueCommand.CommandOneofCase.Ack => Ack(command.Ack),
            QueueCommand.CommandOneofCase.Nack => Nack(command.Nack),
            QueueCommand.CommandOneofCase.ReleaseSession => ReleaseSession(command.ReleaseSession),
            QueueCommand.CommandOneofCase.Expire => new QueueResult { ExpiryApplied = new ExpiryApplied { LeasesExpired = expired, DeadLettered = deadLettered } },
            _ => Invalid("command", "The entry carries no queue command."),
        };
    }

    /// <summary>The partition's counts at its last applied entry.</summary>
    public QueuePartitionStats Stats()
    {
        var p = _partition;
        return new QueuePartitionStats(
            p.Main.ReadyCount,
            p.Main.DelayedCount,
            p.Main.InFlightCount,
            p.DeadLetters.Count,
            p.DeadLetters.ReadyCount,
            p.DeadLetters.DelayedCount,
            p.DeadLetters.InFlightCount,
            p.ProducedTotal,
            p.AckedTotal,
            p.DeadLetteredTotal,
            p.LastAppliedIndex,
            p.NowMs);
    }

    /// <summary>The whole state as a <see cref="QueueSnapshot"/>: equal states give equal bytes.</summary>
    public byte[] Snapshot() => _partition.Export().ToByteArray();

    /// <summary>Replaces the whole state with a <see cref="Snapshot"/> (possibly taken on another node).</summary>
    /// <exception cref="InvalidDataException">The bytes are not a consistent queue snapshot; the state is then unchanged.</exception>
    public void Restore(ReadOnlySpan<byte> snapshot)
    {
        QueueSnapshot parsed;
        try
        {
            parsed = QueueSnapshot.Parser.ParseFrom(snapshot);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new InvalidDataException("The queue snapshot is not valid Protobuf: " + e.Message, e);
        }

        _partition = QueuePartition.Load(parsed, Options);
    }

    private QueueResult Produce(long index, Produce produce)
    {
        if (CheckProduce(produce) is { } invalid)
        {
            return invalid;
        }

        // Dedupe before the fence: a retry of a produce that was stored answers as the first did, even if a newer
        // token has been seen since (the message was accepted while its token was current).
        if (_partition.Dedupe.TryGet(produce.MessageId, out var originalSeq))
        {
            return new QueueResult { Produced = new Produced { Seq = originalSeq, MessageId = produce.MessageId, Duplicate = true } };
        }

        if (produce.Fence is { } fence)
        {
            var highest = _partition.HighestFence(fence.Resource);
            if (fence.Token < highest)
            {
                return new QueueResult { StaleFence = new StaleFence { Resource = fence.Resource, Token = fence.Token, HighestToken = highest } };
            }

            _partition.RaiseFence(fence.Resource, fence.Token);
        }

        _partition.Store(new QueueMessage(index, produce.MessageId, produce.Key, produce.Priority, produce.Payload));
        return new QueueResult { Produced = new Produced { Seq = index, MessageId = produce.MessageId } };
    }

    private QueueResult? CheckProduce(Produce produce)
    {
        if (produce.MessageId.Length == 0 || produce.MessageId.Length > Options.MaxIdLength)
        {
            return Invalid("messageId", $"messageId must be 1 to {Options.MaxIdLength} characters, was {produce.MessageId.Length}.");
        }

        if (produce.Key.Length > Options.MaxIdLength)
        {
            return Invalid("key", $"key must be at most {Options.MaxIdLength} characters, was {produce.Key.Length}.");
        }

        if (produce.Priority is < 0 or >= SubQueue.Priorities)
        {
            return Invalid("priority", $"priority must be 0..{SubQueue.Priorities - 1}, was {produce.Priority}.");
        }

        if (produce.Payload.Length > Options.MaxPayloadBytes)
        {
            return Invalid("payload", $"payload must be at most {Options.MaxPayloadBytes} bytes, was {produce.Payload.Length}.");
        }

        if (produce.Fence is { } fence)
        {
            if (fence.Resource.Length == 0 || fence.Resource.Length > Options.MaxIdLength)
            {
                return Invalid("fence.resource", $"fence.resource must be 1 to {Options.MaxIdLength} characters, was {fence.Resource.Length}.");
            }

            if (fence.Token <= 0)
            {
                return Invalid("fence.fencingToken", $"fence.fencingToken must be positive, was {fence.Token}.");
            }
        }

        return null;
    }

    private QueueResult Consume(long index, Consume consume)
    {
        if (consume.Max < 1 || consume.Max > Options.MaxConsumeBatch)
        {
            return Invalid("max", $"max must be 1..{Options.MaxConsumeBatch}, was {consume.Max}.");
        }

        if (consume.VisibilityMs < 1 || consume.VisibilityMs > Options.MaxVisibilityMs)
        {
            return Invalid("visibilityMs", $"visibilityMs must be 1..{Options.MaxVisibilityMs}, was {consume.VisibilityMs}.");
        }

        var deadline = _partition.NowMs + consume.VisibilityMs;
        var queue = consume.DeadLetter ? _partition.DeadLetters : _partition.Main;
        var leased = new List<QueueMessage>(Math.Min(consume.Max, queue.ReadyCount));
        _partition.Lease(queue, consume.Max, index, deadline, consume.ConsumerSessionId, leased);

        var consumed = new Consumed { LeaseDeadlineMs = deadline };
        foreach (var m in leased)
        {
            consumed.Messages.Add(new ConsumedMessage
            {
                Seq = m.Seq,
                LeaseId = m.LeaseId,
                MessageId = m.MessageId,
                Key = m.Key,
                Priority = m.Priority,
                DeliveryCount = m.DeliveryCount,
                Payload = m.Payload,
                DeadLetterReason = m.DeadLetterReason,
            });
        }

        return new QueueResult { Consumed = consumed };
    }

    private QueueResult Ack(Ack ack)
    {
        if (ack.Receipts.Count > Options.MaxReceipts)
        {
            return Invalid("receipts", $"at most {Options.MaxReceipts} receipts per ack, were {ack.Receipts.Count}.");
        }

        var acked = new Acked();
        foreach (var receipt in ack.Receipts)
        {
            if (_partition.Leased(receipt) is { } message)
            {
                _partition.Ack(message);
                acked.AckedCount++;
            }
            else
            {
                acked.Unknown.Add(receipt.Clone());
            }
        }

        return new QueueResult { Acked = acked };
    }

    private QueueResult Nack(Nack nack)
    {
        if (nack.Receipts.Count > Options.MaxReceipts)
        {
            return Invalid("receipts", $"at most {Options.MaxReceipts} receipts per nack, were {nack.Receipts.Count}.");
        }

        if (nack.DelayMs < 0 || nack.DelayMs > Options.MaxDelayMs)
        {
            return Invalid("delayMs", $"delayMs must be 0..{Options.MaxDelayMs}, was {nack.DelayMs}.");
        }

        var nacked = new Nacked();
        foreach (var receipt in nack.Receipts)
        {
            if (_partition.Leased(receipt) is not { } message)
            {
                nacked.Unknown.Add(receipt.Clone());
            }
            else if (_partition.Return(message, nack.DelayMs, DeadLetterReason.Nacked))
            {
                nacked.DeadLettered++;
            }
            else
            {
                nacked.Returned++;
            }
        }

        return new QueueResult { Nacked = nacked };
    }

    private QueueResult ReleaseSession(ReleaseSession release)
    {
        if (release.SessionId == 0)
        {
            return Invalid("sessionId", "sessionId must not be 0 (0 means \"no session\").");
        }

        _partition.ReleaseSession(release.SessionId, out var returned, out var deadLettered);
        return new QueueResult { SessionReleased = new SessionReleased { SessionId = release.SessionId, Returned = returned, DeadLettered = deadLettered } };
    }

    private static QueueResult Invalid(string field, string message) =>
        new() { Invalid = new Invalid { Field = field, Message = message } };
}
