using System.Collections.Immutable;
using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using DistSync.Persistence.Plugins;
using Xunit.Abstractions;
using EngineRepr = DistSync.Persistence.Journal.PersistentRepr;
using EngineWrite = DistSync.Persistence.Journal.AtomicWrite;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// The journal plugin driven through Akka's own protocol messages (what a persistent actor sends), covering the
/// checklist of Akka.Persistence.TCK's JournalSpec (not served here, AKKA-PORT §5c) plus DistSync's extras. Runs
/// against every engine; each test starts with events 1..5 ("a-1".."a-5") of <see cref="Pid"/> written.
/// </summary>
public abstract class JournalProtocolSpec : Akka.TestKit.Xunit2.TestKit
{
    private const string Pid = "p-1";
    private const int InstanceId = 1;
    private static readonly string WriterGuid = Guid.NewGuid().ToString();
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    protected JournalProtocolSpec(PluginBackend backend, ITestOutputHelper output)
        : base(backend.Setup(), "journal-" + backend.Name, output)
    {
        Backend = backend;
        Write(Pid, 1, 5);
    }

    protected PluginBackend Backend { get; }

    private IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(PersistencePlugins.JournalId);

    private static Persistent Event(string pid, long seqNr, object payload, IActorRef sender) =>
        new(payload, seqNr, pid, Persistent.Undefined, false, sender, WriterGuid);

    private void Write(string pid, long from, long to)
    {
        var probe = CreateTestProbe();
        var writes = new List<IPersistentEnvelope>();
        for (var i = from; i <= to; i++) writes.Add(new AtomicWrite(Event(pid, i, $"a-{i}", probe.Ref)));
        Journal.Tell(new WriteMessages(writes, probe.Ref, InstanceId));
        probe.ExpectMsg<WriteMessagesSuccessful>(Generous);
        for (var i = from; i <= to; i++)
        {
            var seqNr = i;
            probe.ExpectMsg<WriteMessageSuccess>(m => m.Persistent.SequenceNr == seqNr && Equals(m.Persistent.Payload, $"a-{seqNr}")
                && m.ActorInstanceId == InstanceId, Generous);
        }
    }

    private TestProbe Replay(long from, long to, long max, string pid = Pid)
    {
        var probe = CreateTestProbe();
        Journal.Tell(new ReplayMessages(from, to, max, pid, probe.Ref));
        return probe;
    }

    private static void ExpectReplayed(TestProbe probe, long highest, params long[] seqNrs)
    {
        foreach (var seqNr in seqNrs)
        {
            var replayed = probe.ExpectMsg<ReplayedMessage>(Generous);
            Assert.Equal(seqNr, replayed.Persistent.SequenceNr);
            Assert.Equal(Pid, replayed.Persistent.PersistenceId);
            Assert.Equal($"a-{seqNr}", replayed.Persistent.Payload);
        }
        Assert.Equal(highest, probe.ExpectMsg<RecoverySuccess>(Generous).HighestSequenceNr);
    }

    [Fact]
    public void Replays_all_messages() => ExpectReplayed(Replay(1, long.MaxValue, long.MaxValue), 5, 1, 2, 3, 4, 5);

    [Fact]
    public void Replays_from_a_lower_bound() => ExpectReplayed(Replay(3, long.MaxValue, long.MaxValue), 5, 3, 4, 5);

    [Fact]
    public void Replays_up_to_an_upper_bound() => ExpectReplayed(Replay(1, 3, long.MaxValue), 5, 1, 2, 3);

    [Fact]
    public void Replays_at_most_the_count_limit() => ExpectReplayed(Replay(1, long.MaxValue, 3), 5, 1, 2, 3);

    [Fact]
    public void Replays_between_a_lower_and_an_upper_bound() => ExpectReplayed(Replay(2, 3, long.MaxValue), 5, 2, 3);

    [Fact]
    public void Replays_a_single_message_when_the_bounds_are_equal() => ExpectReplayed(Replay(2, 2, long.MaxValue), 5, 2);

    [Fact]
    public void Replays_a_single_message_with_a_count_limit_of_one() => ExpectReplayed(Replay(2, 4, 1), 5, 2);

    [Fact]
    public void Replays_nothing_when_the_count_limit_is_zero() => ExpectReplayed(Replay(1, long.MaxValue, 0), 5);

    [Fact]
    public void Replays_nothing_when_the_lower_bound_is_above_the_upper_bound() => ExpectReplayed(Replay(3, 2, long.MaxValue), 5);

    [Fact]
    public void Replays_nothing_for_an_unknown_persistence_id() =>
        Assert.Equal(0, Replay(1, long.MaxValue, long.MaxValue, "unknown").ExpectMsg<RecoverySuccess>(Generous).HighestSequenceNr);

    [Fact]
    public void Does_not_replay_range_deleted_messages()
    {
        var probe = CreateTestProbe();
        Journal.Tell(new DeleteMessagesTo(Pid, 3, probe.Ref));
        Assert.Equal(3, probe.ExpectMsg<DeleteMessagesSuccess>(Generous).ToSequenceNr);

        ExpectReplayed(Replay(1, long.MaxValue, long.MaxValue), 5, 4, 5);
    }

    [Fact]
    public void Keeps_the_highest_sequence_number_when_every_event_is_deleted_and_continues_after_it()
    {
        var probe = CreateTestProbe();
        Journal.Tell(new DeleteMessagesTo(Pid, long.MaxValue, probe.Ref));
        probe.ExpectMsg<DeleteMessagesSuccess>(Generous);

        ExpectReplayed(Replay(0, long.MaxValue, long.MaxValue), 5);
        Write(Pid, 6, 6);
        ExpectReplayed(Replay(1, long.MaxValue, long.MaxValue), 6, 6);
    }

    [Fact]
    public void Rejects_an_event_that_cannot_be_serialized_and_stores_its_neighbours()
    {
        var probe = CreateTestProbe();
        var writes = new IPersistentEnvelope[]
        {
            new AtomicWrite(Event(Pid, 6, "a-6", probe.Ref)),
            new AtomicWrite(Event(Pid, 7, new SpecPayloads.Unserializable("x"), probe.Ref)),
            new AtomicWrite(Event(Pid, 8, "a-8", probe.Ref)),
        };
        Journal.Tell(new WriteMessages(writes, probe.Ref, InstanceId));

        probe.ExpectMsg<WriteMessagesSuccessful>(Generous);
        Assert.Equal(6, probe.ExpectMsg<WriteMessageSuccess>(Generous).Persistent.SequenceNr);
        var rejected = probe.ExpectMsg<WriteMessageRejected>(Generous);
        Assert.Equal(7, rejected.Persistent.SequenceNr);
        Assert.Equal(8, probe.ExpectMsg<WriteMessageSuccess>(Generous).Persistent.SequenceNr);
        ExpectReplayed(Replay(6, long.MaxValue, long.MaxValue), 8, 6, 8);
        Assert.Equal(1, JournalPluginMetrics.For(Sys).Rejections);
    }

    [Fact]
    public void Rejects_an_event_Akka_would_serialize_with_Hyperion()
    {
        var probe = CreateTestProbe();
        Assert.Equal(-5, Sys.Serialization.FindSerializerFor(new SpecPayloads.ViaHyperion("x")).Identifier);
        Journal.Tell(new WriteMessages(new IPersistentEnvelope[] { new AtomicWrite(Event(Pid, 6, new SpecPayloads.ViaHyperion("x"), probe.Ref)) },
            probe.Ref, InstanceId));

        probe.ExpectMsg<WriteMessagesSuccessful>(Generous);
        Assert.Contains("Hyperion", probe.ExpectMsg<WriteMessageRejected>(Generous).Cause.Message, StringComparison.Ordinal);
        ExpectReplayed(Replay(6, long.MaxValue, long.MaxValue), 5);
    }

    [Fact]
    public void Stores_registered_types_under_their_pinned_id_and_other_types_through_their_Akka_serializer()
    {
        var probe = CreateTestProbe();
        var writes = new IPersistentEnvelope[]
        {
            new AtomicWrite(Event(Pid, 6, new SpecPayloads.Registered("pinned"), probe.Ref)),
            new AtomicWrite(Event(Pid, 7, new SpecPayloads.ViaAkka("enveloped"), probe.Ref)),
            new AtomicWrite(Event(Pid, 8, 42L, probe.Ref)),
            new AtomicWrite(Event(Pid, 9, new byte[] { 1, 2, 3 }, probe.Ref)),
        };
        Journal.Tell(new WriteMessages(writes, probe.Ref, InstanceId));
        probe.ExpectMsg<WriteMessagesSuccessful>(Generous);
        for (var i = 0; i < writes.Length; i++) probe.ExpectMsg<WriteMessageSuccess>(Generous);

        var replay = Replay(6, long.MaxValue, long.MaxValue);
        Assert.Equal(new SpecPayloads.Registered("pinned"), replay.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal(new SpecPayloads.ViaAkka("enveloped"), replay.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal(42L, replay.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal(new byte[] { 1, 2, 3 }, (byte[])replay.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal(9, replay.ExpectMsg<RecoverySuccess>(Generous).HighestSequenceNr);

        // What the engine holds: the registry's ids, and the envelope only for the foreign type.
        var stored = ReadWithEngine(Pid, 6);
        Assert.Equal(new[] { SpecPayloads.RegisteredTypeId, Serialization.PersistenceTypeIds.AkkaSerialized,
            Serialization.PersistenceTypeIds.Int64, Serialization.PersistenceTypeIds.RawBytes }, stored.Select(r => r.TypeId));
    }

    [Fact]
    public void Stores_a_PersistAll_as_one_atomic_write_and_replays_it_in_order()
    {
        var probe = CreateTestProbe();
        var events = ImmutableList.Create<IPersistentRepresentation>(
            Event(Pid, 6, "a-6", probe.Ref), Event(Pid, 7, "a-7", probe.Ref), Event(Pid, 8, "a-8", probe.Ref));
        Journal.Tell(new WriteMessages(new IPersistentEnvelope[] { new AtomicWrite(events) }, probe.Ref, InstanceId));
        probe.ExpectMsg<WriteMessagesSuccessful>(Generous);
        for (var seqNr = 6; seqNr <= 8; seqNr++) Assert.Equal(seqNr, probe.ExpectMsg<WriteMessageSuccess>(Generous).Persistent.SequenceNr);

        ExpectReplayed(Replay(5, long.MaxValue, long.MaxValue), 8, 5, 6, 7, 8);
    }

    [Fact]
    public async Task Reads_rows_written_by_the_engine_before_the_move_to_Akka()
    {
        await using (var engine = Backend.OpenJournal())
        {
            await engine.WriteMessagesAsync(new[]
            {
                new EngineWrite(new[]
                {
                    new EngineRepr("legacy", 1, Serialization.PersistenceTypeIds.Utf8String, "a-1"u8.ToArray()),
                    new EngineRepr("legacy", 2, Serialization.PersistenceTypeIds.Utf8String, "a-2"u8.ToArray()),
                }),
            });
        }

        var probe = Replay(1, long.MaxValue, long.MaxValue, "legacy");
        Assert.Equal("a-1", probe.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal("a-2", probe.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal(2, probe.ExpectMsg<RecoverySuccess>(Generous).HighestSequenceNr);
    }

    [Fact]
    public async Task Everything_acknowledged_is_replayed_by_a_new_actor_system_over_the_same_data()
    {
        await Sys.Terminate().WaitAsync(Generous);

        using var reopened = new Akka.TestKit.Xunit2.TestKit(Backend.Setup(), "reopened-" + Backend.Name);
        var probe = reopened.CreateTestProbe();
        Akka.Persistence.Persistence.Instance.Apply(reopened.Sys).JournalFor(PersistencePlugins.JournalId)
            .Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, Pid, probe.Ref));
        ExpectReplayed(probe, 5, 1, 2, 3, 4, 5);
    }

    private List<EngineRepr> ReadWithEngine(string pid, long from)
    {
        var rows = new List<EngineRepr>();
        var engine = Backend.OpenJournal();
        try
        {
            engine.ReplayMessagesAsync(pid, from, long.MaxValue, long.MaxValue, rows.Add).Wait(Generous);
        }
        finally
        {
            engine.DisposeAsync().AsTask().Wait(Generous);
        }
        return rows;
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        Backend.Dispose();
    }
}
