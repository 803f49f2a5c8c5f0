using DistSync.Queues.Wire;
using DistSync.Raft;
using Google.Protobuf;

namespace DistSync.Queues.Tests;

/// <summary>
/// Drives a <see cref="QueuePartitionStateMachine"/> as a Raft host would: through <see cref="IRaftStateMachine.Apply"/>
/// with encoded bytes, consecutive indexes and a log clock the test moves, keeping the applied log for replay.
/// </summary>
internal sealed class QueueHarness(QueueOptions? options = null)
{
    public QueueOptions Options { get; } = options ?? QueueOptions.Default;

    public QueuePartitionStateMachine Machine { get; private set; } = new(options);

    /// <summary>Index of the last applied entry.</summary>
    public long Index { get; private set; }

    /// <summary>Log time stamped on the next entry.</summary>
    public long NowMs { get; set; } = 1_000_000;

    public List<(long Index, long TimeMs, byte[] Data)> Log { get; } = [];

    public QueueResult Apply(QueueCommand command) => ApplyBytes(QueueCommands.Encode(command));

    public QueueResult ApplyBytes(byte[] data)
    {
        Index++;
        Log.Add((Index, NowMs, data));
        var result = Machine.Apply(new AppliedEntry(Index, 1, NowMs, 0, 0, data));
        return QueueResults.Decode(result.Span);
    }

    public Produced Produce(string messageId, string payload = "p", int priority = 0, string key = "", string? fenceResource = null, long fenceToken = 0)
    {
        var result = Apply(QueueCommands.Produce(messageId, System.Text.Encoding.UTF8.GetBytes(payload), priority, key, fenceResource, fenceToken));
        Assert.Equal(QueueResult.ResultOneofCase.Produced, result.ResultCase);
        return result.Produced;
    }

    public IReadOnlyList<ConsumedMessage> Consume(int max = 10, long visibilityMs = 30_000, ulong sessionId = 0, bool deadLetter = false)
    {
        var result = Apply(QueueCommands.Consume(max, visibilityMs, sessionId, deadLetter));
        Assert.Equal(QueueResult.ResultOneofCase.Consumed, result.ResultCase);
        return result.Consumed.Messages;
    }

    public ConsumedMessage ConsumeOne(long visibilityMs = 30_000, ulong sessionId = 0, bool deadLetter = false) =>
        Assert.Single(Consume(1, visibilityMs, sessionId, deadLetter));

    public Acked Ack(params ConsumedMessage[] messages) => Apply(QueueCommands.Ack(Receipts(messages))).Acked;

    public Nacked Nack(long delayMs, params ConsumedMessage[] messages) => Apply(QueueCommands.Nack(Receipts(messages), delayMs)).Nacked;

    public QueuePartitionStats Stats() => Machine.Stats();

    /// <summary>Replaces the machine by a fresh one restored from its snapshot, after checking the round trip is exact.</summary>
    public void RestoreFromSnapshot()
    {
        var snapshot = Machine.Snapshot();
        var restored = new QueuePartitionStateMachine(Options);
        restored.Restore(snapshot);
        Assert.Equal(snapshot, restored.Snapshot());
        Machine = restored;
    }

    /// <summary>A fresh replica that applied the same log.</summary>
    public QueuePartitionStateMachine Replay()
    {
        var replica = new QueuePartitionStateMachine(Options);
        foreach (var (index, time, data) in Log)
        {
            replica.Apply(new AppliedEntry(index, 1, time, 0, 0, data));
        }

        return replica;
    }

    public static IEnumerable<Receipt> Receipts(IEnumerable<ConsumedMessage> messages) =>
        messages.Select(m => QueueCommands.Receipt(m.Seq, m.LeaseId)).ToList();

    public static string Text(ByteString payload) => payload.ToStringUtf8();
}
