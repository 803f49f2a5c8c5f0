using DistSync.Queues.Wire;

namespace DistSync.Queues.Tests;

public sealed class DeliverySpec
{
    [Fact]
    public void Consume_leases_by_priority_highest_first_then_in_commit_order()
    {
        var h = new QueueHarness();
        h.Produce("low-1", priority: 0);
        h.Produce("high-1", priority: 9);
        h.Produce("mid-1", priority: 5);
        h.Produce("high-2", priority: 9);
        h.Produce("low-2", priority: 0);
        var ids = h.Consume(max: 10).Select(m => m.MessageId).ToList();
        Assert.Equal(["high-1", "high-2", "mid-1", "low-1", "low-2"], ids);
        Assert.Equal((0, 5), (h.Stats().Ready, h.Stats().InFlight));
    }

    [Fact]
    public void Each_lease_has_the_consume_entrys_index_as_lease_id_and_a_deadline_visibility_after_its_log_time()
    {
        var h = new QueueHarness();
        h.Produce("a");
        h.Produce("b");
        var result = h.Apply(QueueCommands.Consume(2, 5_000));
        Assert.All(result.Consumed.Messages, m => Assert.Equal(h.Index, m.LeaseId));
        Assert.All(result.Consumed.Messages, m => Assert.Equal(1, m.DeliveryCount));
        Assert.Equal(h.NowMs + 5_000, result.Consumed.LeaseDeadlineMs);
        Assert.Equal(h.NowMs + 5_000, h.Machine.NextDeadlineMs);
    }

    [Fact]
    public void A_consume_stops_before_the_message_that_would_take_the_leased_payload_past_the_byte_limit()
    {
        var h = new QueueHarness(new QueueOptions { MaxPayloadBytes = 60, MaxConsumeBytes = 100 });
        h.Produce("a", new string('x', 60));
        h.Produce("b", new string('x', 40));
        h.Produce("c", new string('x', 1));
        Assert.Equal(["a", "b"], h.Consume(max: 10).Select(m => m.MessageId));
        Assert.Equal(["c"], h.Consume(max: 10).Select(m => m.MessageId));
    }

    [Fact]
    public void Ack_deletes_the_message_and_a_second_ack_of_the_same_receipt_is_unknown()
    {
        var h = new QueueHarness();
        h.Produce("a");
        var m = h.ConsumeOne();
        Assert.Equal(1, h.Ack(m).AckedCount);
        var again = h.Ack(m);
        Assert.Equal(0, again.AckedCount);
        Assert.Equal([QueueCommands.Receipt(m.Seq, m.LeaseId)], again.Unknown);
        Assert.Equal((0, 0, 1L), (h.Stats().Ready, h.Stats().InFlight, h.Stats().AckedTotal));
        Assert.Empty(h.Consume());
    }

    [Fact]
    public void An_expired_lease_redelivers_with_delivery_count_plus_one_and_the_old_receipt_is_unknown()
    {
        var h = new QueueHarness();
        h.Produce("a");
        var first = h.ConsumeOne(visibilityMs: 1_000);
        h.NowMs += 999;
        Assert.Empty(h.Consume()); // still leased
        h.NowMs += 1; // the deadline is due at exactly deadline
        var second = h.ConsumeOne();
        Assert.Equal((first.Seq, 2), (second.Seq, second.DeliveryCount));
        Assert.NotEqual(first.LeaseId, second.LeaseId);
        var stale = h.Ack(first);
        Assert.Equal(0, stale.AckedCount);
        Assert.Single(stale.Unknown);
        Assert.Equal(1, h.Ack(second).AckedCount);
    }

    [Fact]
    public void An_ack_at_the_lease_deadline_is_too_late()
    {
        var h = new QueueHarness();
        h.Produce("a");
        var m = h.ConsumeOne(visibilityMs: 1_000);
        h.NowMs += 1_000;
        Assert.Equal(0, h.Ack(m).AckedCount);
        Assert.Equal(1, h.Stats().Ready);
    }

    [Fact]
    public void Expiry_does_not_depend_on_whether_the_leader_proposed_an_expire_entry()
    {
        var withExpire = new QueueHarness();
        var without = new QueueHarness();
        foreach (var h in new[] { withExpire, without })
        {
            h.Produce("a");
            h.ConsumeOne(visibilityMs: 1_000);
            h.NowMs += 1_500;
        }

        var expired = withExpire.Apply(QueueCommands.Expire()).ExpiryApplied;
        Assert.Equal((1, 0), (expired.LeasesExpired, expired.DeadLettered));
        Assert.Null(withExpire.Machine.NextDeadlineMs);
        var a = withExpire.ConsumeOne();
        var b = without.ConsumeOne();
        Assert.Equal((a.Seq, a.DeliveryCount), (b.Seq, b.DeliveryCount));
    }

    [Fact]
    public void A_redelivered_message_takes_its_commit_order_place_ahead_of_later_messages()
    {
        var h = new QueueHarness();
        h.Produce("first", key: "k");
        h.Produce("second", key: "k");
        var first = h.ConsumeOne();
        h.Nack(0, first);
        Assert.Equal(["first", "second"], h.Consume().Select(m => m.MessageId));
    }

    [Fact]
    public void A_nack_with_a_delay_makes_the_message_ready_only_once_the_log_time_reaches_it_without_an_expire()
    {
        var h = new QueueHarness();
        h.Produce("a");
        var m = h.ConsumeOne();
        var nacked = h.Nack(2_000, m);
        Assert.Equal((1, 0), (nacked.Returned, nacked.DeadLettered));
        Assert.Equal((0, 1, 0), (h.Stats().Ready, h.Stats().Delayed, h.Stats().InFlight));
        Assert.Null(h.Machine.NextDeadlineMs); // delays need no Expire entry
        h.NowMs += 1_999;
        Assert.Empty(h.Consume());
        h.NowMs += 1;
        Assert.Equal(2, h.ConsumeOne().DeliveryCount);
    }

    [Fact]
    public void A_nack_with_no_delay_makes_the_message_ready_at_once()
    {
        var h = new QueueHarness();
        h.Produce("a");
        h.Nack(0, h.ConsumeOne());
        Assert.Equal(1, h.Stats().Ready);
        Assert.Equal(2, h.ConsumeOne().DeliveryCount);
    }

    [Fact]
    public void Releasing_a_session_returns_all_its_leases_at_once_and_leaves_other_leases_alone()
    {
        var h = new QueueHarness();
        for (var i = 0; i < 4; i++)
        {
            h.Produce("m" + i);
        }

        var mine = h.Consume(max: 3, sessionId: 7);
        var other = h.Consume(max: 1, sessionId: 8);
        var released = h.Apply(QueueCommands.ReleaseSession(7)).SessionReleased;
        Assert.Equal((7UL, 3, 0), (released.SessionId, released.Returned, released.DeadLettered));
        Assert.Equal((3, 1), (h.Stats().Ready, h.Stats().InFlight));
        Assert.Equal(0, h.Ack([.. mine]).AckedCount);
        Assert.Equal(1, h.Ack([.. other]).AckedCount);
        Assert.All(h.Consume(), m => Assert.Equal(2, m.DeliveryCount));

        // A session with nothing leased: nothing to do.
        var none = h.Apply(QueueCommands.ReleaseSession(99)).SessionReleased;
        Assert.Equal((0, 0), (none.Returned, none.DeadLettered));
    }

    [Fact]
    public void Receipts_of_unknown_messages_or_leases_are_reported_unknown_in_request_order()
    {
        var h = new QueueHarness();
        h.Produce("a");
        var m = h.ConsumeOne();
        var receipts = new[] { QueueCommands.Receipt(999, m.LeaseId), QueueCommands.Receipt(m.Seq, m.LeaseId + 1), QueueCommands.Receipt(m.Seq, 0), QueueCommands.Receipt(m.Seq, m.LeaseId) };
        var acked = h.Apply(QueueCommands.Ack(receipts)).Acked;
        Assert.Equal(1, acked.AckedCount);
        Assert.Equal(receipts[..3], acked.Unknown);
    }
}
