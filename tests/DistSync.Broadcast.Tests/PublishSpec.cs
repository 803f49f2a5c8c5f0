using DistSync.Broadcast.Wire;

namespace DistSync.Broadcast.Tests;

public sealed class PublishSpec
{
    [Fact]
    public void Each_topic_numbers_its_messages_1_2_3_without_gaps_whatever_the_other_topics_do()
    {
        var h = new BroadcastHarness();
        var expected = new Dictionary<string, long>();
        for (var i = 0; i < 60; i++)
        {
            var topic = "t" + (i * 7 % 4);
            expected[topic] = expected.GetValueOrDefault(topic) + 1;
            Assert.Equal(expected[topic], h.Publish(topic, "m" + i).Seq);
        }

        foreach (var (topic, last) in expected)
        {
            Assert.Equal(new TopicInfo(topic, 1, last, last), h.Machine.Topic(topic));
            var seqs = h.Seqs(topic);
            Assert.Equal(last, seqs.Count);
            for (var i = 0; i < seqs.Count; i++)
            {
                Assert.Equal(i + 1, seqs[i]);
            }
        }
    }

    [Fact]
    public void A_message_carries_the_entrys_term_and_log_time_and_what_the_client_sent()
    {
        var h = new BroadcastHarness { Term = 7, NowMs = 5_000 };
        var m = h.Publish("chat", "hello", "alice", 3);
        Assert.Equal(new BroadcastMessage("chat", 1, 7, 5_000, "hello", "alice", 3), m);
        Assert.Equal(m, Assert.Single(h.Read("chat")));
    }

    [Fact]
    public void Log_time_never_goes_back_so_a_new_leader_with_a_slow_clock_stamps_the_latest_time_seen()
    {
        var h = new BroadcastHarness { NowMs = 10_000 };
        h.Publish("t");
        h.Term = 2;
        h.NowMs = 9_000; // the new leader's clock is a second behind
        var m = h.Publish("t");
        Assert.Equal((2, 10_000), (m.Term, m.TimestampMs));
        Assert.Equal(10_000, h.Machine.LastLogTimeMs);
    }

    [Fact]
    public void Without_a_client_seq_every_publish_is_a_new_message_even_with_the_same_client_id()
    {
        var h = new BroadcastHarness();
        Assert.Equal(1, h.Publish("t", "a", "alice").Seq);
        Assert.Equal(2, h.Publish("t", "a", "alice").Seq);
        Assert.Equal(3, h.Publish("t", "a").Seq);
    }

    public static TheoryData<string, string, string, long, string> InvalidPublishes() => new()
    {
        { "", "x", "", 0, "topic" },
        { new string('t', 257), "x", "", 0, "topic" },
        { new string('é', 129), "x", "", 0, "topic" }, // 129 chars, 258 UTF-8 bytes
        { "a\nb", "x", "", 0, "topic" },
        { "t", new string('p', 64 * 1024 + 1), "", 0, "payload" },
        { "t", new string('€', 21_846), "", 0, "payload" }, // 65,538 UTF-8 bytes
        { "t", "x", new string('c', 257), 1, "clientId" },
        { "t", "x", "tab\tid", 1, "clientId" },
        { "t", "x", "alice", -1, "clientSeq" },
        { "t", "x", "", 5, "clientSeq" },
    };

    [Theory]
    [MemberData(nameof(InvalidPublishes))]
    public void Invalid_input_is_answered_invalid_naming_the_field_and_stores_nothing(string topic, string payload, string clientId, long clientSeq, string field)
    {
        var h = new BroadcastHarness();
        h.Publish("t", "before", "alice", 1);
        var before = h.Machine.Snapshot();

        var (result, message) = h.Apply(BroadcastCommands.Publish(topic, payload, clientId, clientSeq));

        Assert.Equal(BroadcastResult.ResultOneofCase.Invalid, result.ResultCase);
        Assert.Equal(field, result.Invalid.Field);
        Assert.False(result.Invalid.StaleClientSeq);
        Assert.NotEmpty(result.Invalid.Message);
        Assert.Null(message);
        Assert.Equal(new TopicInfo("t", 1, 1, 1), Assert.Single(h.Machine.Topics()));
        AssertSameStateButIndex(before, h.Machine);
    }

    [Fact]
    public void Limits_are_inclusive_and_count_utf8_bytes()
    {
        var h = new BroadcastHarness();
        h.Publish(new string('é', 128), new string('€', 21_845), new string('c', 256), 1); // 256, 65,535 and 256 bytes
        h.Publish("empty payload", "");
    }

    [Fact]
    public void An_entry_with_no_command_is_answered_invalid_and_the_index_must_increase()
    {
        var m = new BroadcastStateMachine();
        var applied = m.Apply(5, 1, 100, new BroadcastCommand());
        Assert.Equal("command", BroadcastCommands.DecodeResult(applied.Result.Span).Invalid.Field);
        Assert.Null(applied.Published);
        Assert.Empty(m.Topics());

        Assert.Throws<ArgumentOutOfRangeException>(() => m.Apply(5, 1, 100, BroadcastCommands.Publish("t", "x")));
        Assert.Empty(m.Topics());
        Assert.Equal(1, m.Apply(6, 1, 100, BroadcastCommands.Publish("t", "x")).Published!.Seq);
    }

    [Fact]
    public void Options_that_cannot_work_are_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { MaxMessages = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { MaxAgeMs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { MaxAgeMs = long.MaxValue }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { MaxPayloadBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { MaxTopicBytes = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { MaxClientIdBytes = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new BroadcastStateMachine(new BroadcastOptions { DedupeWindow = 0 }));
        BroadcastOptions.Default.Validate();
    }

    /// <summary>The state equals <paramref name="before"/> but for the applied index (and log time), which every entry moves.</summary>
    internal static void AssertSameStateButIndex(byte[] before, BroadcastStateMachine machine)
    {
        var a = BroadcastSnapshot.Parser.ParseFrom(before);
        var b = BroadcastSnapshot.Parser.ParseFrom(machine.Snapshot());
        a.LastAppliedIndex = b.LastAppliedIndex;
        a.LogTimeMs = b.LogTimeMs;
        Assert.Equal(a, b);
    }
}
