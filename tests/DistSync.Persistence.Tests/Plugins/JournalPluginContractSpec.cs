using Akka.Actor;
using Akka.Persistence;
using DistSync.Persistence.Plugins;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>
/// The parts of the AsyncWriteJournal contract that need a write held in flight or a failing store: the highest
/// sequence number waits for in-flight writes (a restarted actor never reuses a number), and a store failure is a
/// write failure (the actor stops), never a rejection.
/// </summary>
public sealed class JournalPluginContractSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly PluginBackend _backend;
    private readonly HeldJournals _engines;

    public JournalPluginContractSpec(ITestOutputHelper output) : this(PluginBackend.InMem(), new HeldJournals(), output)
    {
    }

    private JournalPluginContractSpec(PluginBackend backend, HeldJournals engines, ITestOutputHelper output)
        : base(backend.Setup(engines.Wrap), "contract", output)
    {
        _backend = backend;
        _engines = engines;
        PersistencePlugins.Start(Sys);
    }

    private IActorRef Journal => Akka.Persistence.Persistence.Instance.Apply(Sys).JournalFor(PersistencePlugins.JournalId);

    [Fact]
    public async Task The_highest_sequence_number_is_read_only_after_the_writes_in_flight_for_that_persistence_id()
    {
        // A restarting actor's ReplayMessages right behind its previous incarnation's WriteMessages, with no wait in
        // between: the plugin registers the write as in flight on the journal actor's own turn, before the replay.
        var writer = CreateTestProbe();
        var recovering = CreateTestProbe();
        Journal.Tell(new WriteMessages(new IPersistentEnvelope[] { new AtomicWrite(new Persistent("a-1", 1, "held", Persistent.Undefined, false, writer.Ref, "w")) },
            writer.Ref, 1));
        Journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "held", recovering.Ref));
        // The journal handles messages in order: once another id's replay is answered, the held one was asked.
        var other = CreateTestProbe();
        Journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "other", other.Ref));
        other.ExpectMsg<RecoverySuccess>(Generous);
        await _engines.Current.FirstBatchHeld.Task.WaitAsync(Generous);
        _engines.Current.Release();

        Assert.Equal("a-1", recovering.ExpectMsg<ReplayedMessage>(Generous).Persistent.Payload);
        Assert.Equal(1, recovering.ExpectMsg<RecoverySuccess>(Generous).HighestSequenceNr);
        writer.ExpectMsg<WriteMessagesSuccessful>(Generous);
    }

    [Fact]
    public async Task A_new_incarnation_started_while_the_previous_one_s_write_is_in_flight_recovers_that_write()
    {
        var first = Sys.ActorOf(JournalingActor.Props("incarnations", TestActor));
        first.Tell(new JournalingActor.Append("a"));
        await _engines.Current.FirstBatchHeld.Task.WaitAsync(Generous);
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first, Generous);

        var second = Sys.ActorOf(JournalingActor.Props("incarnations", TestActor));
        second.Tell(new JournalingActor.GetState());
        _engines.Current.Release();

        var state = ExpectMsg<JournalingActor.State>(Generous);
        Assert.Equal(new object[] { "a" }, state.Events);
        Assert.Equal(1, state.LastSequenceNr);
    }

    [Fact]
    public void A_store_failure_fails_the_write_and_stops_the_persistent_actor()
    {
        var engine = _engines.Current;
        engine.FailWritesWith = new IOException("disk gone (by design of the spec)");
        engine.Release();

        var actor = Sys.ActorOf(JournalingActor.Props("failing", TestActor));
        Watch(actor);
        actor.Tell(new JournalingActor.Append("lost"));
        Assert.Equal(1, ExpectMsg<JournalingActor.Failed>(Generous).SequenceNr);
        ExpectTerminated(actor, Generous);
        Assert.Equal(0, JournalPluginMetrics.For(Sys).Rejections);
        Assert.True(JournalPluginMetrics.For(Sys).FailedBatches >= 1);

        var probe = CreateTestProbe();
        Journal.Tell(new ReplayMessages(1, long.MaxValue, long.MaxValue, "failing", probe.Ref));
        Assert.Equal(0, probe.ExpectMsg<RecoverySuccess>(Generous).HighestSequenceNr);
    }

    [Fact]
    public void A_store_failure_answers_each_message_of_the_call_with_a_write_failure()
    {
        var engine = _engines.Current;
        engine.FailWritesWith = new IOException("disk gone (by design of the spec)");
        engine.Release();

        var probe = CreateTestProbe();
        Journal.Tell(new WriteMessages(new IPersistentEnvelope[]
        {
            new AtomicWrite(new Persistent("x-1", 1, "f", Persistent.Undefined, false, probe.Ref, "w")),
            new AtomicWrite(new Persistent("x-2", 2, "f", Persistent.Undefined, false, probe.Ref, "w")),
        }, probe.Ref, 1));

        Assert.IsType<IOException>(probe.ExpectMsg<WriteMessagesFailed>(Generous).Cause);
        Assert.Equal(1, probe.ExpectMsg<WriteMessageFailure>(Generous).Persistent.SequenceNr);
        Assert.Equal(2, probe.ExpectMsg<WriteMessageFailure>(Generous).Persistent.SequenceNr);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _backend.Dispose();
    }
}
