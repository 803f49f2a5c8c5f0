using DistSync.Broadcast.Wire;

namespace DistSync.Broadcast.Tests;

public sealed class DedupeSpec
{
    [Fact]
    public void A_repeat_of_client_id_and_client_seq_answers_the_first_seq_and_stores_nothing()
    {
        var h = new BroadcastHarness();
        h.Publish("t", "a", "alice", 1);
        var first = h.Publish("t", "b", "alice", 2);
        h.Publish("t", "c", "bob", 2);

        var (result, message) = h.Apply(BroadcastCommands.Publish("t", "b again", "alice", 2));

        Assert.Equal(new Published { Topic = "t", Seq = first.Seq, Duplicate = true }, result.Published);
        Assert.Null(message);
        Assert.Equal(new TopicInfo("t", 1, 3, 3), h.Machine.Topic("t"));
        Assert.Equal(["a", "b", "c"], h.Read("t").Select(m => m.Payload));
    }

    [Fact]
    public void Dedupe_is_per_topic_and_per_client()
    {
        var h = new BroadcastHarness();
        Assert.Equal(1, h.Publish("a", "x", "alice", 1).Seq);
        Assert.Equal(1, h.Publish("b", "x", "alice", 1).Seq);
        Assert.Equal(2, h.Publish("a", "x", "bob", 1).Seq);
        Assert.True(h.PublishResult("b", "x", "alice", 1).Published.Duplicate);
    }

    [Fact]
    public void Client_seqs_may_arrive_out_of_order_and_each_is_stored_once()
    {
        var h = new BroadcastHarness();
        h.Publish("t", "5", "alice", 5);
        h.Publish("t", "3", "alice", 3);
        h.Publish("t", "4", "alice", 4);
        Assert.Equal(2, h.PublishResult("t", "3", "alice", 3).Published.Seq);
        Assert.Equal(1, h.PublishResult("t", "5", "alice", 5).Published.Seq);
        Assert.Equal(4, h.Publish("t", "1", "alice", 1).Seq);
    }

    [Fact]
    public void The_first_seq_is_answered_even_after_the_message_was_trimmed()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxMessages = 2 });
        h.Publish("t", "a", "alice", 1);
        h.Publish("t", "b");
        h.Publish("t", "c");
        Assert.Equal(2, h.Machine.Topic("t")!.FirstSeq);
        Assert.Equal(new Published { Topic = "t", Seq = 1, Duplicate = true }, h.PublishResult("t", "a", "alice", 1).Published);
    }

    [Fact]
    public void A_repeat_older_than_the_window_is_stale_and_new_client_seqs_still_publish()
    {
        var h = new BroadcastHarness(new BroadcastOptions { DedupeWindow = 3 });
        for (var s = 1; s <= 5; s++)
        {
            h.Publish("t", "m" + s, "alice", s);
        }

        // Remembered: 3, 4, 5 (the last three applied); forgotten: 1 and 2.
        Assert.True(h.PublishResult("t", "m3", "alice", 3).Published.Duplicate);
        var stale = h.PublishResult("t", "m2", "alice", 2);
        Assert.Equal(BroadcastResult.ResultOneofCase.Invalid, stale.ResultCase);
        Assert.True(stale.Invalid.StaleClientSeq);
        Assert.Equal("clientSeq", stale.Invalid.Field);
        Assert.StartsWith(BroadcastCommands.StaleClientSequence, stale.Invalid.Message);
        Assert.Equal(5, h.Machine.Topic("t")!.LastSeq);

        Assert.Equal(6, h.Publish("t", "m9", "alice", 9).Seq);
        Assert.Equal(7, h.Publish("t", "m7", "alice", 7).Seq); // never seen and above the floor: new
        Assert.True(h.PublishResult("t", "m1", "alice", 1).Invalid.StaleClientSeq);
    }

    [Fact]
    public void A_client_silent_for_max_age_is_forgotten_so_a_late_retry_publishes_again()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxAgeMs = 10_000 });
        h.Publish("t", "a", "alice", 1);
        h.NowMs += 9_999;
        h.Publish("t", "other", "bob", 1);
        Assert.True(h.PublishResult("t", "a", "alice", 1).Published.Duplicate); // a duplicate does not keep the client alive
        h.NowMs += 1;
        Assert.Equal(1, h.Expire()); // alice's message goes, and her dedupe state with it
        Assert.Equal(3, h.Publish("t", "a", "alice", 1).Seq);
        Assert.True(h.PublishResult("t", "other", "bob", 1).Published.Duplicate);
    }

    [Fact]
    public void A_remembered_client_seq_below_the_floor_is_still_a_duplicate_and_survives_a_snapshot()
    {
        var h = new BroadcastHarness(new BroadcastOptions { DedupeWindow = 1 });
        h.Publish("t", "5", "alice", 5);
        h.Publish("t", "3", "alice", 3); // forgets 5: the floor is 5, and 3 is remembered below it
        h.RestoreFromSnapshot();
        Assert.Equal(new Published { Topic = "t", Seq = 2, Duplicate = true }, h.PublishResult("t", "3", "alice", 3).Published);
        Assert.True(h.PublishResult("t", "5", "alice", 5).Invalid.StaleClientSeq);
        Assert.True(h.PublishResult("t", "4", "alice", 4).Invalid.StaleClientSeq);
        Assert.Equal(3, h.Publish("t", "6", "alice", 6).Seq);
    }
}
