using DistSync.Broadcast.Wire;
using Google.Protobuf;

namespace DistSync.Broadcast.Tests;

public sealed class SnapshotSpec
{
    private static readonly BroadcastOptions Options = new() { MaxMessages = 4, MaxAgeMs = 10_000, DedupeWindow = 3 };

    /// <summary>Topics in every state: trimmed by count, emptied by age, clients with forgotten client seqs, out of order, idle ones.</summary>
    private static BroadcastHarness Busy()
    {
        var h = new BroadcastHarness(Options) { NowMs = 100_000 };
        h.Publish("gone", "old", "carol", 1);
        h.NowMs += 5_000;
        for (var s = 1; s <= 6; s++)
        {
            h.Publish("chat", "m" + s, "alice", s);
        }

        h.Publish("chat", "b9", "bob", 9);
        h.Publish("chat", "b4", "bob", 4);
        h.Publish("chat", "anon");
        h.Publish("news", "n1", "alice", 1);
        h.NowMs += 6_000; // "gone" is trimmed; carol is forgotten
        h.Publish("news", "n2", "dave", 1);
        h.Term = 3;
        h.Publish("news", "n3");
        return h;
    }

    [Fact]
    public void A_restored_machine_equals_the_original_and_behaves_exactly_like_it_from_then_on()
    {
        var original = Busy();
        Assert.Equal(new TopicInfo("gone", 2, 1, 1), original.Machine.Topic("gone"));
        Assert.Equal(new TopicInfo("chat", 6, 9, 9), original.Machine.Topic("chat"));

        var restored = new BroadcastStateMachine(Options);
        restored.Restore(original.Machine.Snapshot());
        AssertEqual(original.Machine, restored);

        var index = original.Index;
        var time = original.NowMs;
        var steps = new (long AdvanceMs, BroadcastCommand Command)[]
        {
            (500, BroadcastCommands.Publish("chat", "dup", "alice", 5)),     // remembered
            (500, BroadcastCommands.Publish("chat", "stale", "alice", 2)),   // forgotten by the window
            (500, BroadcastCommands.Publish("chat", "dup", "bob", 4)),
            (500, BroadcastCommands.Publish("gone", "again", "carol", 1)),   // carol was forgotten: new
            (500, BroadcastCommands.Publish("chat", "new", "alice", 7)),
            (2_000, BroadcastCommands.Expire()),                            // the first entry past 115,000 ms: the messages of 105,000 ms go
            (1_000, BroadcastCommands.Publish("news", "dup", "dave", 1)),
            (12_000, BroadcastCommands.Expire()),                            // everything goes, dave too
            (1_000, BroadcastCommands.Publish("news", "after", "dave", 1)),  // dave was idle for MaxAgeMs: new
        };
        var results = new List<string>();
        foreach (var (advanceMs, command) in steps)
        {
            index += 2;
            time += advanceMs;
            var a = original.Machine.Apply(index, 3, time, command);
            var b = restored.Apply(index, 3, time, command);
            Assert.Equal(BroadcastCommands.DecodeResult(a.Result.Span), BroadcastCommands.DecodeResult(b.Result.Span));
            Assert.Equal(a.Published, b.Published);
            AssertEqual(original.Machine, restored);
            results.Add(Describe(BroadcastCommands.DecodeResult(b.Result.Span)));
        }

        Assert.Equal(
            ["duplicate 5", "stale", "duplicate 8", "published 2", "published 10", "expired 4", "duplicate 2", "expired 4", "published 4"],
            results);
    }

    [Fact]
    public void A_snapshot_holds_only_what_is_retained_plus_the_counters_and_dedupe_state()
    {
        var h = Busy();
        var parsed = BroadcastSnapshot.Parser.ParseFrom(h.Machine.Snapshot());
        Assert.Equal(["chat", "gone", "news"], parsed.Topics.Select(t => t.Topic));
        var chat = parsed.Topics[0];
        Assert.Equal(9, chat.LastSeq);
        Assert.Equal([6L, 7L, 8L, 9L], chat.Messages.Select(m => m.Seq));
        Assert.Equal(["alice", "bob"], chat.Clients.Select(c => c.ClientId));
        Assert.Equal((6L, 3L), (chat.Clients[0].HighestClientSeq, chat.Clients[0].Floor));
        Assert.Equal([4L, 5L, 6L], chat.Clients[0].Recent.Select(r => r.ClientSeq));
        Assert.Equal([9L, 4L], chat.Clients[1].Recent.Select(r => r.ClientSeq)); // applied order, not numeric
        var gone = parsed.Topics[1];
        Assert.Equal((1L, 0, 0), (gone.LastSeq, gone.Messages.Count, gone.Clients.Count));
    }

    [Fact]
    public void Replicas_that_applied_the_same_log_take_byte_identical_snapshots_and_a_round_trip_changes_no_byte()
    {
        var h = Busy();
        var snapshot = h.Machine.Snapshot();
        Assert.Equal(snapshot, h.Replay().Snapshot());
        h.RestoreFromSnapshot();
        Assert.Equal(snapshot, h.Machine.Snapshot());
    }

    [Fact]
    public void An_empty_machine_round_trips()
    {
        var m = new BroadcastStateMachine();
        var restored = new BroadcastStateMachine();
        restored.Restore(m.Snapshot());
        AssertEqual(m, restored);
        Assert.Null(restored.NextDeadlineMs);
    }

    public static TheoryData<string> Corruptions() =>
    [
        "not protobuf",
        "negative index",
        "negative log time",
        "topic twice",
        "empty topic name",
        "more messages than seqs",
        "seq gap",
        "last message not last seq",
        "timestamp after log time",
        "timestamps going back",
        "negative term",
        "client twice",
        "empty client id",
        "client active after log time",
        "floor above highest",
        "client seq zero",
        "client seq above highest",
        "client seq repeated",
        "recent seq above last seq",
        "client remembering nothing",
    ];

    [Theory]
    [MemberData(nameof(Corruptions))]
    public void A_corrupt_snapshot_throws_invalid_data_and_leaves_the_state_unchanged(string corruption)
    {
        var h = Busy();
        var before = h.Machine.Snapshot();
        var bytes = Corrupt(BroadcastSnapshot.Parser.ParseFrom(before), corruption);

        Assert.Throws<InvalidDataException>(() => h.Machine.Restore(bytes));

        Assert.Equal(before, h.Machine.Snapshot());
        var fresh = new BroadcastStateMachine(Options);
        fresh.Restore(before);
        AssertEqual(fresh, h.Machine);
        Assert.True(h.PublishResult("chat", "dup", "alice", 6).Published.Duplicate); // and it still works
    }

    private static byte[] Corrupt(BroadcastSnapshot s, string corruption)
    {
        var chat = s.Topics[0];
        var alice = chat.Clients[0];
        switch (corruption)
        {
            case "not protobuf": return [0x0A, 0xFF, 0x01, 0x02];
            case "negative index": s.LastAppliedIndex = -1; break;
            case "negative log time": s.LogTimeMs = -5; break;
            case "topic twice": s.Topics.Add(chat.Clone()); break;
            case "empty topic name": s.Topics[1].Topic = ""; break;
            case "more messages than seqs": chat.LastSeq = 3; break;
            case "seq gap": chat.Messages[1].Seq++; break;
            case "last message not last seq": chat.LastSeq++; chat.Messages.RemoveAt(0); chat.Messages.Add(chat.Messages[^1].Clone()); break;
            case "timestamp after log time": chat.Messages[^1].TimestampMs = s.LogTimeMs + 1; break;
            case "timestamps going back": chat.Messages[0].TimestampMs = chat.Messages[1].TimestampMs + 1; break;
            case "negative term": chat.Messages[0].Term = -1; break;
            case "client twice": chat.Clients.Add(alice.Clone()); break;
            case "empty client id": alice.ClientId = ""; break;
            case "client active after log time": alice.LastActiveMs = s.LogTimeMs + 1; break;
            case "floor above highest": alice.Floor = alice.HighestClientSeq + 1; break;
            case "client seq zero": alice.Recent[0].ClientSeq = 0; break;
            case "client seq above highest": alice.Recent[0].ClientSeq = alice.HighestClientSeq + 1; break;
            case "client seq repeated": alice.Recent[1].ClientSeq = alice.Recent[0].ClientSeq; break;
            case "recent seq above last seq": alice.Recent[0].Seq = chat.LastSeq + 1; break;
            case "client remembering nothing": alice.Recent.Clear(); break;
            default: throw new ArgumentOutOfRangeException(nameof(corruption), corruption, null);
        }

        return s.ToByteArray();
    }

    private static string Describe(BroadcastResult r) => r.ResultCase switch
    {
        BroadcastResult.ResultOneofCase.Published => (r.Published.Duplicate ? "duplicate " : "published ") + r.Published.Seq,
        BroadcastResult.ResultOneofCase.Invalid => r.Invalid.StaleClientSeq ? "stale" : "invalid",
        BroadcastResult.ResultOneofCase.Expired => "expired " + r.Expired.Trimmed,
        _ => "none",
    };

    internal static void AssertEqual(BroadcastStateMachine expected, BroadcastStateMachine actual)
    {
        Assert.Equal(expected.Snapshot(), actual.Snapshot());
        Assert.Equal(expected.Topics(), actual.Topics());
        Assert.Equal(expected.NextDeadlineMs, actual.NextDeadlineMs);
        Assert.Equal((expected.LastAppliedIndex, expected.LastLogTimeMs), (actual.LastAppliedIndex, actual.LastLogTimeMs));
        foreach (var topic in expected.Topics())
        {
            var a = Assert.IsType<BroadcastMessages>(expected.Read(topic.Topic, topic.FirstSeq, BroadcastStateMachine.MaxReadBatch));
            var b = Assert.IsType<BroadcastMessages>(actual.Read(topic.Topic, topic.FirstSeq, BroadcastStateMachine.MaxReadBatch));
            Assert.Equal(a.Messages, b.Messages);
            Assert.Equal((a.FirstSeq, a.LastSeq), (b.FirstSeq, b.LastSeq));
        }
    }
}
