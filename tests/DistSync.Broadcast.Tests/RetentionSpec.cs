namespace DistSync.Broadcast.Tests;

public sealed class RetentionSpec
{
    [Fact]
    public void A_topic_keeps_its_last_max_messages_and_seqs_go_on()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxMessages = 3 });
        for (var i = 1; i <= 10; i++)
        {
            h.Publish("t", "m" + i);
            Assert.Equal(Math.Min(i, 3), h.Seqs("t").Count);
        }

        Assert.Equal(new TopicInfo("t", 8, 10, 10), h.Machine.Topic("t"));
        Assert.Equal([8L, 9L, 10L], h.Seqs("t"));
    }

    [Fact]
    public void A_publish_trims_what_reached_max_age_at_its_log_time()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxAgeMs = 1_000 }) { NowMs = 10_000 };
        h.Publish("t", "a");
        h.NowMs = 10_500;
        h.Publish("t", "b");
        h.NowMs = 10_999;
        h.Publish("t", "c");
        Assert.Equal([1L, 2L, 3L], h.Seqs("t"));
        h.NowMs = 11_000; // "a" is exactly MaxAgeMs old
        h.Publish("t", "d");
        Assert.Equal([2L, 3L, 4L], h.Seqs("t"));
        h.NowMs = 12_500;
        h.Publish("t", "e");
        Assert.Equal([5L], h.Seqs("t"));
    }

    [Fact]
    public void Expire_trims_every_topic_by_age_and_an_emptied_topic_keeps_its_counters()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxAgeMs = 1_000 }) { NowMs = 0 };
        h.Publish("a");
        h.Publish("a");
        h.NowMs = 600;
        h.Publish("b");
        Assert.Equal(1_000, h.Machine.NextDeadlineMs);

        h.NowMs = 999;
        Assert.Equal(0, h.Expire());
        h.NowMs = 1_000;
        Assert.Equal(2, h.Expire());
        Assert.Equal(new TopicInfo("a", 3, 2, 2), h.Machine.Topic("a"));
        Assert.Equal(new TopicInfo("b", 1, 1, 1), h.Machine.Topic("b"));
        Assert.Equal(1_600, h.Machine.NextDeadlineMs);

        h.NowMs = 5_000;
        Assert.Equal(1, h.Expire());
        Assert.Null(h.Machine.NextDeadlineMs);
        Assert.Equal([new TopicInfo("a", 3, 2, 2), new TopicInfo("b", 2, 1, 1)], h.Machine.Topics());

        Assert.Equal(3, h.Publish("a").Seq); // seqs never restart
        Assert.Equal(new TopicInfo("a", 3, 3, 3), h.Machine.Topic("a"));
        Assert.Equal(6_000, h.Machine.NextDeadlineMs);
    }

    [Fact]
    public void Any_entry_trims_what_is_due_so_results_do_not_depend_on_where_an_expire_falls()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxAgeMs = 1_000 }) { NowMs = 0 };
        h.Publish("idle");
        h.NowMs = 2_000;
        h.Publish("busy");
        Assert.Equal(new TopicInfo("idle", 2, 1, 1), h.Machine.Topic("idle"));
        Assert.Equal(0, h.Expire());
    }

    [Fact]
    public void Reading_below_the_retained_range_is_gone_with_the_first_available_seq()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxMessages = 2 });
        for (var i = 0; i < 5; i++)
        {
            h.Publish("t");
        }

        Assert.Equal(new BroadcastGone(4), h.Machine.Read("t", 1, 10));
        Assert.Equal(new BroadcastGone(4), h.Machine.Read("t", 3, 10));
        var read = Assert.IsType<BroadcastMessages>(h.Machine.Read("t", 4, 10));
        Assert.Equal((4, 5), (read.FirstSeq, read.LastSeq));
        Assert.Equal([4L, 5L], read.Messages.Select(m => m.Seq));
    }

    [Fact]
    public void Reads_page_in_order_clamp_max_and_are_empty_past_the_end_or_for_an_unknown_topic()
    {
        var h = new BroadcastHarness();
        for (var i = 0; i < 1_500; i++)
        {
            h.Publish("t", "m" + i);
        }

        Assert.Equal([10L, 11L, 12L], h.Read("t", 10, 3).Select(m => m.Seq));
        Assert.Equal(1_000, h.Read("t", 1, 5_000).Count);
        Assert.Equal(1L, Assert.Single(h.Read("t", 1, 0)).Seq);
        Assert.Equal(1L, Assert.Single(h.Read("t", 1, -3)).Seq);
        Assert.Equal([1_499L, 1_500L], h.Read("t", 1_499, 10).Select(m => m.Seq));
        Assert.Empty(h.Read("t", 1_501, 10));
        Assert.Empty(h.Read("t", 9_999, 10));
        var unknown = Assert.IsType<BroadcastMessages>(h.Machine.Read("nobody", 1, 10));
        Assert.Equal((0, 1L, 0L), (unknown.Messages.Count, unknown.FirstSeq, unknown.LastSeq));
        Assert.Empty(h.Read("nobody", 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => h.Machine.Read("t", 0, 10));
        Assert.Null(h.Machine.Topic("nobody"));
    }

    [Fact]
    public void An_emptied_topic_reads_empty_from_its_next_seq_and_gone_below()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxAgeMs = 10 }) { NowMs = 0 };
        h.Publish("t");
        h.Publish("t");
        h.NowMs = 100;
        Assert.Equal(2, h.Expire());
        var read = Assert.IsType<BroadcastMessages>(h.Machine.Read("t", 3, 10));
        Assert.Empty(read.Messages);
        Assert.Equal((3, 2), (read.FirstSeq, read.LastSeq));
        Assert.Equal(new BroadcastGone(3), h.Machine.Read("t", 2, 10));
    }

    [Fact]
    public void Trimming_a_large_topic_releases_the_ring_and_keeps_order()
    {
        var h = new BroadcastHarness(new BroadcastOptions { MaxAgeMs = 1_000, MaxMessages = 5_000 }) { NowMs = 0 };
        for (var i = 0; i < 4_000; i++)
        {
            h.Publish("t", "old" + i);
        }

        h.NowMs = 999;
        for (var i = 0; i < 10; i++)
        {
            h.Publish("t", "new" + i);
        }

        h.NowMs = 1_000;
        Assert.Equal(4_000, h.Expire());
        Assert.Equal(["new0", "new1", "new2", "new3", "new4", "new5", "new6", "new7", "new8", "new9"], h.Read("t", 4_001).Select(m => m.Payload));
        for (var i = 0; i < 20; i++)
        {
            h.Publish("t", "more" + i);
        }

        Assert.Equal(Enumerable.Range(4_001, 30).Select(i => (long)i), h.Seqs("t"));
    }
}
