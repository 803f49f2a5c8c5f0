using System.Diagnostics;
using DistSync.Queues.Wire;

namespace DistSync.Queues.Tests;

public sealed class ScaleSpec
{
    private const int Messages = 100_000;

    /// <summary>
    /// 100k messages through one partition: every command must stay O(log n) per message touched. The time bound is
    /// loose (a shared 2-core machine); a quadratic step would take minutes, not seconds.
    /// </summary>
    [Fact]
    public void A_hundred_thousand_messages_are_produced_leased_expired_redelivered_and_acked_in_seconds()
    {
        var h = new QueueHarness();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < Messages; i++)
        {
            h.Apply(QueueCommands.Produce("m" + i, "payload"u8, priority: i % 10, key: "k" + (i % 100)));
            h.NowMs++;
        }

        // Lease everything under 100 sessions; let half the leases expire, release the other half's sessions.
        for (var batch = 0; batch < Messages / 1_000; batch++)
        {
            var visibility = batch % 2 == 0 ? 1_000 : 3_600_000;
            Assert.Equal(1_000, h.Apply(QueueCommands.Consume(1_000, visibility, (ulong)batch + 1)).Consumed.Messages.Count);
        }

        Assert.Equal(Messages, h.Stats().InFlight);
        h.NowMs += 1_000;
        Assert.Equal(Messages / 2, h.Apply(QueueCommands.Expire()).ExpiryApplied.LeasesExpired);
        for (var batch = 1; batch < Messages / 1_000; batch += 2)
        {
            h.Apply(QueueCommands.ReleaseSession((ulong)batch + 1));
        }

        Assert.Equal(Messages, h.Stats().Ready);
        var snapshot = h.Machine.Snapshot();
        h.RestoreFromSnapshot();

        var lastPriority = 9;
        while (h.Stats().Ready > 0)
        {
            var leased = h.Apply(QueueCommands.Consume(1_000, 30_000)).Consumed.Messages;
            Assert.True(leased[0].Priority <= lastPriority);
            lastPriority = leased[^1].Priority;
            Assert.Equal(leased.Count, h.Apply(QueueCommands.Ack(QueueHarness.Receipts(leased))).Acked.AckedCount);
        }

        watch.Stop();
        Assert.Equal((0, 0, (long)Messages), (h.Stats().InFlight, h.Machine.Partition.MessageCount, h.Stats().AckedTotal));
        Assert.True(snapshot.Length > Messages * 10);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60), $"100k messages took {watch.Elapsed}");
    }
}
