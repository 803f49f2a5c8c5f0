using DistSync.Queues.Wire;

namespace DistSync.Queues.Tests;

public sealed class ProduceSpec
{
    [Fact]
    public void A_produce_is_stored_as_ready_with_the_raft_index_of_its_entry_as_seq()
    {
        var h = new QueueHarness();
        var produced = h.Produce("m1", "hello", priority: 3, key: "k");
        Assert.Equal(h.Index, produced.Seq);
        Assert.False(produced.Duplicate);
        Assert.Equal((1, 1L), (h.Stats().Ready, h.Stats().ProducedTotal));
        var m = h.ConsumeOne();
        Assert.Equal(("m1", "k", 3, "hello"), (m.MessageId, m.Key, m.Priority, QueueHarness.Text(m.Payload)));
    }

    [Fact]
    public void A_retry_inside_the_dedupe_window_returns_the_original_seq_as_duplicate_and_stores_nothing()
    {
        var h = new QueueHarness(new QueueOptions { DedupeWindowMs = 10_000 });
        var first = h.Produce("m1", "one");
        h.NowMs += 9_999;
        var retry = h.Produce("m1", "different payload");
        Assert.Equal((first.Seq, true), (retry.Seq, retry.Duplicate));
        Assert.Equal((1, 1L), (h.Stats().Ready, h.Stats().ProducedTotal));

        // Still a duplicate after the original was consumed and acked: dedupe is about the produce, not the message.
        h.Ack(h.ConsumeOne());
        Assert.True(h.Produce("m1").Duplicate);
        Assert.Equal(0, h.Stats().Ready);
    }

    [Fact]
    public void Once_the_dedupe_window_has_passed_the_same_message_id_is_stored_again()
    {
        var h = new QueueHarness(new QueueOptions { DedupeWindowMs = 10_000 });
        var first = h.Produce("m1");
        h.NowMs += 10_000; // the window is [produced, produced + window)
        var again = h.Produce("m1");
        Assert.False(again.Duplicate);
        Assert.NotEqual(first.Seq, again.Seq);
        Assert.Equal(2, h.Stats().Ready);

        // The window restarts at the new produce.
        h.NowMs += 5_000;
        Assert.Equal(again.Seq, h.Produce("m1").Seq);
    }

    [Fact]
    public void A_produce_fenced_by_a_token_below_the_highest_seen_is_refused_as_stale_fence_and_stores_nothing()
    {
        var h = new QueueHarness();
        h.Produce("a", fenceResource: "lock-1", fenceToken: 10);
        var stale = h.Apply(QueueCommands.Produce("b", "x"u8, fenceResource: "lock-1", fenceToken: 9));
        Assert.Equal(QueueResult.ResultOneofCase.StaleFence, stale.ResultCase);
        Assert.Equal(("lock-1", 9L, 10L), (stale.StaleFence.Resource, stale.StaleFence.Token, stale.StaleFence.HighestToken));
        Assert.Equal(QueueResults.StaleFence, QueueResults.FailureCode(stale));
        Assert.Equal(1, h.Stats().Ready);

        // Equal is accepted, higher raises the fence, other resources are independent.
        h.Produce("c", fenceResource: "lock-1", fenceToken: 10);
        h.Produce("d", fenceResource: "lock-1", fenceToken: 12);
        Assert.Equal(QueueResult.ResultOneofCase.StaleFence, h.Apply(QueueCommands.Produce("e", "x"u8, fenceResource: "lock-1", fenceToken: 11)).ResultCase);
        h.Produce("f", fenceResource: "lock-2", fenceToken: 1);
        h.Produce("g"); // unfenced produces are not checked
        Assert.Equal(5, h.Stats().Ready);
    }

    [Fact]
    public void A_retry_of_a_stored_fenced_produce_answers_duplicate_even_after_a_newer_token_was_seen()
    {
        var h = new QueueHarness();
        var first = h.Produce("a", fenceResource: "lock", fenceToken: 5);
        h.Produce("b", fenceResource: "lock", fenceToken: 8);
        var retry = h.Produce("a", fenceResource: "lock", fenceToken: 5);
        Assert.Equal((first.Seq, true), (retry.Seq, retry.Duplicate));
    }

    [Theory]
    [InlineData("", 0, 1, "lock", 1L, "messageId")]
    [InlineData("m", -1, 1, null, 0L, "priority")]
    [InlineData("m", 10, 1, null, 0L, "priority")]
    [InlineData("m", 0, 101, null, 0L, "payload")]
    [InlineData("m", 0, 1, "", 1L, "fence.resource")]
    [InlineData("m", 0, 1, "lock", 0L, "fence.fencingToken")]
    public void Bad_input_is_answered_invalid_naming_the_field_and_stores_nothing(string messageId, int priority, int payloadBytes, string? fence, long token, string field)
    {
        var h = new QueueHarness(new QueueOptions { MaxPayloadBytes = 100 });
        var result = h.Apply(QueueCommands.Produce(messageId, new byte[payloadBytes], priority, "", fence, token));
        Assert.Equal(QueueResult.ResultOneofCase.Invalid, result.ResultCase);
        Assert.Equal(field, result.Invalid.Field);
        Assert.Equal(QueueResults.Invalid, QueueResults.FailureCode(result));
        Assert.Equal(0L, h.Stats().ProducedTotal);

        // Nothing remembered either: a valid produce with that id is stored.
        if (messageId.Length > 0)
        {
            Assert.False(h.Produce(messageId).Duplicate);
        }
    }

    [Fact]
    public void A_payload_of_exactly_the_maximum_size_is_accepted()
    {
        var h = new QueueHarness(new QueueOptions { MaxPayloadBytes = 100 });
        Assert.Equal(QueueResult.ResultOneofCase.Produced, h.Apply(QueueCommands.Produce("m", new byte[100])).ResultCase);
    }
}
