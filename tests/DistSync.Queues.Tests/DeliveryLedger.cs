using DistSync.Queues.Wire;

namespace DistSync.Queues.Tests;

/// <summary>
/// What a client could check from the results alone, kept across a whole workload: no acked message is delivered
/// again, each delivery is in priority then commit order, first deliveries of a key and priority come in produce
/// order, delivery counts step by one (and restart at 1 in the dead-letter queue), and every produced message is
/// either acked or still stored, never both.
/// </summary>
internal sealed class DeliveryLedger
{
    private readonly HashSet<long> _produced = [];
    private readonly HashSet<long> _acked = [];
    private readonly Dictionary<long, (bool DeadLetter, int Count)> _lastDelivery = [];
    private readonly Dictionary<(string Key, int Priority), long> _lastFirstDelivery = [];

    public int Deliveries { get; private set; }

    public int Redeliveries { get; private set; }

    public int DeadLetterDeliveries { get; private set; }

    public void Record(byte[] data, QueueResult result)
    {
        switch (result.ResultCase)
        {
            case QueueResult.ResultOneofCase.Produced when result.Produced.Duplicate:
                Assert.Contains(result.Produced.Seq, _produced);
                break;
            case QueueResult.ResultOneofCase.Produced:
                Assert.True(_produced.Add(result.Produced.Seq), $"seq {result.Produced.Seq} produced twice");
                break;
            case QueueResult.ResultOneofCase.Consumed:
                RecordConsumed(QueueCommand.Parser.ParseFrom(data).Consume.DeadLetter, result.Consumed);
                break;
            case QueueResult.ResultOneofCase.Acked:
                RecordAcked(QueueCommand.Parser.ParseFrom(data).Ack, result.Acked);
                break;
        }
    }

    /// <summary>Every produced message is acked or stored, exactly one of the two.</summary>
    public void CheckAccounting(QueuePartitionStateMachine machine)
    {
        foreach (var seq in _produced)
        {
            var stored = machine.Partition.Find(seq) is not null;
            Assert.True(stored ^ _acked.Contains(seq), $"message {seq}: stored {stored}, acked {_acked.Contains(seq)}");
        }

        Assert.Equal(_produced.Count - _acked.Count, machine.Partition.MessageCount);
    }

    private void RecordConsumed(bool deadLetter, Consumed consumed)
    {
        ConsumedMessage? previous = null;
        foreach (var m in consumed.Messages)
        {
            Assert.DoesNotContain(m.Seq, _acked);
            Assert.Contains(m.Seq, _produced);
            if (previous is not null)
            {
                Assert.True(m.Priority < previous.Priority || (m.Priority == previous.Priority && m.Seq > previous.Seq), $"{m.Seq} (p{m.Priority}) delivered after {previous.Seq} (p{previous.Priority})");
            }

            previous = m;
            var expectedCount = _lastDelivery.TryGetValue(m.Seq, out var last) && last.DeadLetter == deadLetter ? last.Count + 1 : 1;
            Assert.False(last.DeadLetter && !deadLetter, $"dead letter {m.Seq} came back to the queue");
            Assert.Equal(expectedCount, m.DeliveryCount);
            _lastDelivery[m.Seq] = (deadLetter, m.DeliveryCount);
            Deliveries++;
            if (m.DeliveryCount > 1)
            {
                Redeliveries++;
            }

            if (deadLetter)
            {
                DeadLetterDeliveries++;
                Assert.NotEqual(DeadLetterReason.Unspecified, m.DeadLetterReason);
            }
            else if (m.DeliveryCount == 1)
            {
                var key = (m.Key, m.Priority);
                Assert.True(!_lastFirstDelivery.TryGetValue(key, out var before) || m.Seq > before, $"key \"{m.Key}\" p{m.Priority}: {m.Seq} first delivered after {before}");
                _lastFirstDelivery[key] = m.Seq;
            }
        }
    }

    private void RecordAcked(Ack ack, Acked acked)
    {
        // Unknown receipts are the request's receipts that did not ack, in request order: walk both lists together.
        var unknown = 0;
        var ackedCount = 0;
        foreach (var r in ack.Receipts)
        {
            if (unknown < acked.Unknown.Count && acked.Unknown[unknown].Equals(r))
            {
                unknown++;
                continue;
            }

            Assert.True(_acked.Add(r.Seq), $"message {r.Seq} acked twice");
            ackedCount++;
        }

        Assert.Equal(acked.Unknown.Count, unknown);
        Assert.Equal(acked.AckedCount, ackedCount);
    }
}
