using DistSync.Broadcast.Wire;

namespace DistSync.Broadcast.Tests;

/// <summary>
/// The seeded model-based spec for dedupe and retention (issue 14): random publishes with repeats (recent, old and
/// out of order), invalid input, expiries, clock jumps forward and back, term changes and snapshot-restores in the
/// middle, checked after every entry against <see cref="BroadcastModel"/>. A failure names the seed and step, so it replays.
/// </summary>
public sealed class BroadcastModelSpec
{
    private const int Steps = 3_000;

    private static readonly BroadcastOptions Options = new()
    {
        MaxMessages = 12,
        MaxAgeMs = 5_000,
        DedupeWindow = 6,
        MaxPayloadBytes = 40,
        MaxTopicBytes = 16,
        MaxClientIdBytes = 12,
    };

    private static readonly string[] TopicNames = ["chat", "news", "ops", "é-topic"];
    private static readonly string[] ClientIds = ["alice", "bob", "carol", "dave", "eve"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(42)]
    [InlineData(1001)]
    [InlineData(31337)]
    [InlineData(424242)]
    public void A_seeded_workload_gets_the_models_results_and_state_after_every_entry(int seed)
    {
        var rng = new Random(seed);
        var h = new BroadcastHarness(Options) { NowMs = 50_000 };
        var model = new BroadcastModel(Options);
        var issued = new Dictionary<(string Topic, string Client), List<long>>();
        var held = new List<(string Topic, string Client, long ClientSeq)>();
        var seen = new Dictionary<string, int>();

        for (var step = 0; step < Steps; step++)
        {
            Advance(rng, h, seen);
            if (rng.Next(100) < 2)
            {
                h.RestoreFromSnapshot();
                Count(seen, "restore");
                AssertSameState(h.Machine, model, rng, seed, step, seen);
                continue;
            }

            var command = NextCommand(rng, issued, held, seen);
            var (result, published) = h.Apply(command);
            var (expected, expectedMessage) = model.Apply(h.Term, h.NowMs, command);
            var where = $"seed {seed}, step {step}, entry {h.Index} at {h.NowMs} ms: {command}";
            Assert.True(SameResult(expected, result), $"{where}\n expected {expected}\n actual   {result}");
            Assert.Equal(expectedMessage, published);
            AssertSameState(h.Machine, model, rng, seed, step, seen);
            CountResult(seen, result);
        }

        // A replica that replays the log holds the same state, byte for byte, as the one restored along the way.
        Assert.Equal(h.Machine.Snapshot(), h.Replay().Snapshot());

        Count(seen, "trimmed-by-count", (int)model.TrimmedByCount);
        Count(seen, "trimmed-by-age", (int)model.TrimmedByAge);
        Count(seen, "client-forgotten", (int)model.ClientsForgotten);
        Count(seen, "republished-after-forgetting", (int)model.RepublishedAfterForgetting);
        foreach (var what in new[]
                 {
                     "duplicate", "stale", "invalid", "expired-something", "trimmed-by-count", "trimmed-by-age", "client-forgotten",
                     "republished-after-forgetting", "gone", "emptied-topic", "restore", "clock-back", "out-of-order",
                 })
        {
            Assert.True(seen.GetValueOrDefault(what) > 0, $"seed {seed}: the workload never produced \"{what}\" ({string.Join(", ", seen.Select(kv => $"{kv.Key} {kv.Value}"))})");
        }
    }

    private static void Advance(Random rng, BroadcastHarness h, Dictionary<string, int> seen)
    {
        var roll = rng.Next(100);
        if (roll < 1)
        {
            h.NowMs += Options.MaxAgeMs + rng.Next(2_000); // a quiet spell: everything ages out
        }
        else if (roll < 4)
        {
            h.NowMs -= rng.Next(1, 800); // a new leader whose clock is behind
            Count(seen, "clock-back");
        }
        else
        {
            h.NowMs += rng.Next(0, 120);
        }

        if (rng.Next(100) < 2)
        {
            h.Term++;
        }
    }

    private static BroadcastCommand NextCommand(
        Random rng, Dictionary<(string, string), List<long>> issued, List<(string Topic, string Client, long ClientSeq)> held, Dictionary<string, int> seen)
    {
        // Skewed towards the first names, so some clients publish often enough to outrun their dedupe window.
        var topic = TopicNames[Math.Min(rng.Next(TopicNames.Length), rng.Next(TopicNames.Length))];
        var client = ClientIds[Math.Min(rng.Next(ClientIds.Length), rng.Next(ClientIds.Length))];
        var payload = "m" + rng.Next(1_000_000);
        if (!issued.TryGetValue((topic, client), out var seqs))
        {
            seqs = [];
            issued.Add((topic, client), seqs);
        }

        var roll = rng.Next(100);
        switch (roll)
        {
            case < 30:
                return Fresh(rng, topic, client, payload, seqs, held);
            case < 36 when held.Count > 0:
                Count(seen, "out-of-order");
                return HeldBack(rng, payload, issued, held);
            case < 52 when seqs.Count > 0:
                return BroadcastCommands.Publish(topic, payload, client, seqs[Math.Max(0, seqs.Count - 1 - rng.Next(4))]); // a retry
            case < 58 when seqs.Count > 0:
                return BroadcastCommands.Publish(topic, payload, client, seqs[rng.Next(Math.Min(seqs.Count, 1 + rng.Next(8)))]); // a late retry
            case < 75:
                return BroadcastCommands.Publish(topic, payload, rng.Next(2) == 0 ? client : ""); // no dedupe
            case < 82:
                return Invalid(rng, topic, client);
            case < 92:
                return BroadcastCommands.Expire();
            default:
                return BroadcastCommands.Publish(topic, payload);
        }
    }

    /// <summary>The client's next seq; sometimes one is skipped and held back, to arrive later (concurrent publishes).</summary>
    private static BroadcastCommand Fresh(Random rng, string topic, string client, string payload, List<long> seqs, List<(string, string, long)> held)
    {
        var next = (seqs.Count == 0 ? 0 : seqs.Max()) + 1;
        if (rng.Next(8) == 0)
        {
            held.Add((topic, client, next));
            next++;
        }

        seqs.Add(next);
        return BroadcastCommands.Publish(topic, payload, client, next);
    }

    private static BroadcastCommand HeldBack(Random rng, string payload, Dictionary<(string, string), List<long>> issued, List<(string Topic, string Client, long ClientSeq)> held)
    {
        var i = rng.Next(held.Count);
        var (topic, client, clientSeq) = held[i];
        held.RemoveAt(i);
        issued[(topic, client)].Add(clientSeq);
        return BroadcastCommands.Publish(topic, payload, client, clientSeq);
    }

    private static BroadcastCommand Invalid(Random rng, string topic, string client) => rng.Next(8) switch
    {
        0 => BroadcastCommands.Publish("", "x"),
        1 => BroadcastCommands.Publish("a-much-too-long-topic", "x"),
        2 => BroadcastCommands.Publish("bad\u0007topic", "x"),
        3 => BroadcastCommands.Publish(topic, new string('€', 14)), // 42 UTF-8 bytes, 14 chars
        4 => BroadcastCommands.Publish(topic, "x", "a-too-long-client", 1),
        5 => BroadcastCommands.Publish(topic, "x", client, -1),
        6 => BroadcastCommands.Publish(topic, "x", "", 3),
        _ => new BroadcastCommand(),
    };

    private static void AssertSameState(BroadcastStateMachine machine, BroadcastModel model, Random rng, int seed, int step, Dictionary<string, int> seen)
    {
        var where = $"seed {seed}, step {step}";
        var topics = model.Topics();
        Assert.Equal(topics, machine.Topics());
        Assert.True(model.NextDeadlineMs() == machine.NextDeadlineMs, $"{where}: next deadline {machine.NextDeadlineMs}, model {model.NextDeadlineMs()}");
        Assert.Equal(model.NowMs, machine.LastLogTimeMs);
        foreach (var t in topics)
        {
            Assert.Equal(t, machine.Topic(t.Topic));
            if (t.LastSeq > 0 && t.FirstSeq > t.LastSeq)
            {
                Count(seen, "emptied-topic");
            }
        }

        foreach (var topic in TopicNames)
        {
            var info = machine.Topic(topic);
            var from = rng.Next(2) == 0
                ? rng.Next(1, (int)(info?.LastSeq ?? 0) + 3)
                : Math.Max(1, rng.Next((int)(info?.FirstSeq ?? 1) - 1, (int)(info?.LastSeq ?? 0) + 3)); // around the retained range
            var max = rng.Next(-1, 16);
            var expected = model.Read(topic, from, max);
            switch (machine.Read(topic, from, max))
            {
                case BroadcastGone gone:
                    Assert.True(expected.Gone, $"{where}: read {topic} from {from} gone at {gone.FirstSeq}, the model has messages");
                    Assert.Equal(expected.FirstSeq, gone.FirstSeq);
                    Count(seen, "gone");
                    break;
                case BroadcastMessages read:
                    Assert.False(expected.Gone, $"{where}: read {topic} from {from} gave messages, the model says gone at {expected.FirstSeq}");
                    Assert.Equal((expected.FirstSeq, expected.LastSeq), (read.FirstSeq, read.LastSeq));
                    Assert.Equal(expected.Messages, read.Messages);
                    break;
                default:
                    Assert.Fail("unknown read result");
                    break;
            }
        }
    }

    private static bool SameResult(BroadcastResult expected, BroadcastResult actual)
    {
        // The model names the field of an invalid command (and whether it is stale), not the message text.
        if (actual.ResultCase == BroadcastResult.ResultOneofCase.Invalid)
        {
            if (actual.Invalid.Message.Length == 0 ||
                actual.Invalid.StaleClientSeq != actual.Invalid.Message.StartsWith(BroadcastCommands.StaleClientSequence, StringComparison.Ordinal))
            {
                return false;
            }

            actual = actual.Clone();
            actual.Invalid.Message = "";
        }

        return expected.Equals(actual);
    }

    private static void CountResult(Dictionary<string, int> seen, BroadcastResult result)
    {
        switch (result.ResultCase)
        {
            case BroadcastResult.ResultOneofCase.Published when result.Published.Duplicate:
                Count(seen, "duplicate");
                break;
            case BroadcastResult.ResultOneofCase.Invalid when result.Invalid.StaleClientSeq:
                Count(seen, "stale");
                break;
            case BroadcastResult.ResultOneofCase.Invalid:
                Count(seen, "invalid");
                break;
            case BroadcastResult.ResultOneofCase.Expired when result.Expired.Trimmed > 0:
                Count(seen, "expired-something");
                break;
        }
    }

    private static void Count(Dictionary<string, int> seen, string what, int n = 1) => seen[what] = seen.GetValueOrDefault(what) + n;
}
