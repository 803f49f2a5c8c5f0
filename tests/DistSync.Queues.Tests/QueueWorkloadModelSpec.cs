using DistSync.Queues.Wire;

namespace DistSync.Queues.Tests;

public sealed class QueueWorkloadModelSpec
{
    private const int Steps = 2_500;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(42)]
    [InlineData(1001)]
    [InlineData(31337)]
    [InlineData(424242)]
    public void A_seeded_workload_gets_the_models_results_and_keeps_every_invariant_after_every_entry(int seed)
    {
        var h = new QueueHarness(RandomQueueWorkload.Options);
        var model = new QueueModel(h.Options);
        var workload = new RandomQueueWorkload(seed);
        var ledger = new DeliveryLedger();
        var seen = new Dictionary<string, int>();
        var maxDelayed = 0;

        for (var step = 0; step < Steps; step++)
        {
            var (advance, data) = workload.Next(h.Machine);
            h.NowMs += advance;
            if (data is null)
            {
                h.RestoreFromSnapshot();
                Count(seen, "restore");
                continue;
            }

            var actual = h.ApplyBytes(data);
            var expected = model.Apply(h.Index, h.NowMs, data);
            Assert.True(
                SameResult(expected, actual),
                $"seed {seed}, step {step}, entry {h.Index} at {h.NowMs} ms: {Describe(data)}\n expected {expected}\n actual   {actual}");
            workload.Observe(actual);
            ledger.Record(data, actual);
            ledger.CheckAccounting(h.Machine);
            AssertStateInvariants(h.Machine, model);
            CountResult(seen, actual);
            maxDelayed = Math.Max(maxDelayed, h.Stats().Delayed);
        }

        // A replica that replays the log holds the same state, byte for byte, as the one restored along the way.
        Assert.Equal(h.Machine.Snapshot(), h.Replay().Snapshot());

        // The workload must reach what it claims to check.
        foreach (var what in new[] { "duplicate", "stale-fence", "invalid", "dead-lettered", "expired", "restore", "unknown-receipt", "session-returned" })
        {
            Assert.True(seen.GetValueOrDefault(what) > 0, $"seed {seed}: the workload never produced \"{what}\"");
        }

        Assert.True(ledger.Redeliveries > 10, $"only {ledger.Redeliveries} redeliveries");
        Assert.True(ledger.DeadLetterDeliveries > 0, "the dead-letter queue was never consumed");
        Assert.True(maxDelayed > 0, "no message was ever delayed");
    }

    private static bool SameResult(QueueResult expected, QueueResult actual)
    {
        // The model names the field of an invalid command, not the message text.
        if (actual.ResultCase == QueueResult.ResultOneofCase.Invalid)
        {
            actual = actual.Clone();
            actual.Invalid.Message = "";
        }

        return expected.Equals(actual);
    }

    private static void AssertStateInvariants(QueuePartitionStateMachine machine, QueueModel model)
    {
        var stats = machine.Stats();
        var (ready, delayed, inFlight, deadLettered, produced, acked, deadLetteredTotal) = model.Stats();
        Assert.Equal((ready, delayed, inFlight, deadLettered, produced, acked, deadLetteredTotal),
            (stats.Ready, stats.Delayed, stats.InFlight, stats.DeadLettered, stats.ProducedTotal, stats.AckedTotal, stats.DeadLetteredTotal));
        Assert.Equal(stats.DeadLettered, stats.DeadLetterReady + stats.DeadLetterDelayed + stats.DeadLetterInFlight);

        var now = machine.LastLogTimeMs;
        var counts = new int[2, 3];
        long? earliest = null;
        foreach (var m in machine.Partition.Messages)
        {
            var state = m.InFlight ? 2 : m.ReadyAtMs > now ? 1 : 0;
            counts[m.DeadLetter ? 1 : 0, state]++;
            Assert.Equal(m.DeadLetter, m.DeadLetterReason != DeadLetterReason.Unspecified);
            Assert.True(m.DeadLetter || m.DeliveryCount <= machine.Options.MaxDeliveries, $"message {m.Seq} delivered {m.DeliveryCount} times in the queue");
            if (m.InFlight)
            {
                Assert.True(m.LeaseDeadlineMs > now && m.DeliveryCount >= 1, $"message {m.Seq} in flight until {m.LeaseDeadlineMs} at {now}");
                earliest = earliest is null ? m.LeaseDeadlineMs : Math.Min(earliest.Value, m.LeaseDeadlineMs);
            }
            else
            {
                Assert.Equal(0UL, m.SessionId);
            }
        }

        Assert.Equal((stats.Ready, stats.Delayed, stats.InFlight), (counts[0, 0], counts[0, 1], counts[0, 2]));
        Assert.Equal((stats.DeadLetterReady, stats.DeadLetterDelayed, stats.DeadLetterInFlight), (counts[1, 0], counts[1, 1], counts[1, 2]));
        Assert.Equal(earliest, machine.NextDeadlineMs);
    }

    private static void CountResult(Dictionary<string, int> seen, QueueResult result)
    {
        switch (result.ResultCase)
        {
            case QueueResult.ResultOneofCase.Produced when result.Produced.Duplicate:
                Count(seen, "duplicate");
                break;
            case QueueResult.ResultOneofCase.StaleFence:
                Count(seen, "stale-fence");
                break;
            case QueueResult.ResultOneofCase.Invalid:
                Count(seen, "invalid");
                break;
            case QueueResult.ResultOneofCase.Nacked:
                Count(seen, "dead-lettered", result.Nacked.DeadLettered);
                Count(seen, "unknown-receipt", result.Nacked.Unknown.Count);
                break;
            case QueueResult.ResultOneofCase.ExpiryApplied:
                Count(seen, "expired", result.ExpiryApplied.LeasesExpired);
                Count(seen, "dead-lettered", result.ExpiryApplied.DeadLettered);
                break;
            case QueueResult.ResultOneofCase.Acked:
                Count(seen, "unknown-receipt", result.Acked.Unknown.Count);
                break;
            case QueueResult.ResultOneofCase.SessionReleased:
                Count(seen, "session-returned", result.SessionReleased.Returned + result.SessionReleased.DeadLettered);
                break;
        }
    }

    private static void Count(Dictionary<string, int> seen, string what, int n = 1) => seen[what] = seen.GetValueOrDefault(what) + n;

    private static string Describe(byte[] data)
    {
        try
        {
            return QueueCommand.Parser.ParseFrom(data).ToString();
        }
        catch (Google.Protobuf.InvalidProtocolBufferException)
        {
            return "garbage " + Convert.ToHexString(data);
        }
    }
}
