using DistSync.Queues.Wire;

namespace DistSync.Queues.Tests;

public sealed class DeadLetterSpec
{
    private static readonly QueueOptions ThreeDeliveries = new() { MaxDeliveries = 3 };

    [Fact]
    public void The_lease_of_the_last_allowed_delivery_expiring_moves_the_message_to_the_dead_letter_queue()
    {
        var h = new QueueHarness(ThreeDeliveries);
        h.Produce("a", "body", priority: 4, key: "k");
        for (var delivery = 1; delivery <= 3; delivery++)
        {
            Assert.Equal(delivery, h.ConsumeOne(visibilityMs: 100).DeliveryCount);
            h.NowMs += 100;
        }

        var expired = h.Apply(QueueCommands.Expire()).ExpiryApplied;
        Assert.Equal((1, 1), (expired.LeasesExpired, expired.DeadLettered));
        Assert.Empty(h.Consume());
        Assert.Equal((0, 0, 1, 1, 1L), (h.Stats().Ready, h.Stats().InFlight, h.Stats().DeadLettered, h.Stats().DeadLetterReady, h.Stats().DeadLetteredTotal));

        var dead = h.ConsumeOne(deadLetter: true);
        Assert.Equal(("a", "k", 4, "body", 1, DeadLetterReason.LeaseExpired), (dead.MessageId, dead.Key, dead.Priority, QueueHarness.Text(dead.Payload), dead.DeliveryCount, dead.DeadLetterReason));
    }

    [Fact]
    public void A_nack_of_the_last_allowed_delivery_dead_letters_even_with_a_delay()
    {
        var h = new QueueHarness(ThreeDeliveries);
        h.Produce("a");
        h.Nack(0, h.ConsumeOne());
        h.Nack(0, h.ConsumeOne());
        var nacked = h.Nack(5_000, h.ConsumeOne());
        Assert.Equal((0, 1), (nacked.Returned, nacked.DeadLettered));
        var dead = h.ConsumeOne(deadLetter: true);
        Assert.Equal((1, DeadLetterReason.Nacked), (dead.DeliveryCount, dead.DeadLetterReason));
    }

    [Fact]
    public void A_session_released_after_the_last_allowed_delivery_dead_letters_its_message()
    {
        var h = new QueueHarness(new QueueOptions { MaxDeliveries = 1 });
        h.Produce("a");
        h.ConsumeOne(sessionId: 5);
        var released = h.Apply(QueueCommands.ReleaseSession(5)).SessionReleased;
        Assert.Equal((0, 1), (released.Returned, released.DeadLettered));
        Assert.Equal(DeadLetterReason.SessionReleased, h.ConsumeOne(deadLetter: true).DeadLetterReason);
    }

    [Fact]
    public void A_dead_letter_is_consumed_acked_and_nacked_like_any_message_and_never_dead_lettered_again()
    {
        var h = new QueueHarness(new QueueOptions { MaxDeliveries = 1 });
        h.Produce("a");
        h.Nack(0, h.ConsumeOne());
        for (var delivery = 1; delivery <= 5; delivery++)
        {
            var dead = h.ConsumeOne(visibilityMs: 100, deadLetter: true);
            Assert.Equal(delivery, dead.DeliveryCount);
            if (delivery % 2 == 0)
            {
                h.Nack(0, dead);
            }
            else
            {
                h.NowMs += 100; // let the lease expire
            }
        }

        Assert.Equal(1L, h.Stats().DeadLetteredTotal);
        var last = h.ConsumeOne(deadLetter: true);
        Assert.Equal(1, h.Ack(last).AckedCount);
        Assert.Equal((0, 1L), (h.Stats().DeadLettered, h.Stats().AckedTotal));
    }

    [Fact]
    public void The_queue_and_its_dead_letter_queue_are_consumed_separately()
    {
        var h = new QueueHarness(new QueueOptions { MaxDeliveries = 1 });
        h.Produce("dies");
        h.Nack(0, h.ConsumeOne());
        h.Produce("lives");
        Assert.Equal(["lives"], h.Consume().Select(m => m.MessageId));
        Assert.Equal(["dies"], h.Consume(deadLetter: true).Select(m => m.MessageId));
    }
}
