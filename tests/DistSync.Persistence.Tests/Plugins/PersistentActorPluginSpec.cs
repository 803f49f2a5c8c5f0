using Akka.Actor;
using Akka.Persistence;
using Akka.TestKit;
using Xunit.Abstractions;

namespace DistSync.Persistence.Tests.Plugins;

/// <summary>A ReceivePersistentActor persisting and recovering through the dsync plugins: events, snapshots,
/// PersistAll, deletes and rejections, each checked by a fresh incarnation of the actor.</summary>
public abstract class PersistentActorPluginSpec : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);
    private readonly PluginBackend _backend;
    private readonly TestProbe _monitor;

    protected PersistentActorPluginSpec(PluginBackend backend, ITestOutputHelper output)
        : base(backend.Setup(), "actor-" + backend.Name, output)
    {
        _backend = backend;
        _monitor = CreateTestProbe();
    }

    private IActorRef Start(string pid) => Sys.ActorOf(JournalingActor.Props(pid, _monitor.Ref));

    private void Stop(IActorRef actor)
    {
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor, Generous);
    }

    private JournalingActor.State StateOf(IActorRef actor)
    {
        actor.Tell(new JournalingActor.GetState());
        return ExpectMsg<JournalingActor.State>(Generous);
    }

    private JournalingActor.State Append(IActorRef actor, object e)
    {
        actor.Tell(new JournalingActor.Append(e));
        return ExpectMsg<JournalingActor.State>(Generous);
    }

    [Fact]
    public void A_new_incarnation_recovers_every_persisted_event()
    {
        var first = Start("events");
        foreach (var e in new[] { "a", "b", "c" }) Append(first, e);
        Stop(first);

        var state = StateOf(Start("events"));
        Assert.Equal(new object[] { "a", "b", "c" }, state.Events);
        Assert.Equal(3, state.LastSequenceNr);
        Assert.False(state.RecoveredFromSnapshot);
    }

    [Fact]
    public void A_new_incarnation_recovers_from_the_latest_snapshot_plus_the_later_events()
    {
        var first = Start("snapshots");
        Append(first, "a");
        Append(first, "b");
        first.Tell(new JournalingActor.TakeSnapshot());
        Assert.Equal(2, _monitor.ExpectMsg<SaveSnapshotSuccess>(Generous).Metadata.SequenceNr);
        Append(first, "c");
        Stop(first);

        var state = StateOf(Start("snapshots"));
        Assert.True(state.RecoveredFromSnapshot);
        Assert.Equal(new object[] { "a", "b", "c" }, state.Events);
        Assert.Equal(3, state.LastSequenceNr);
    }

    [Fact]
    public void PersistAll_events_are_numbered_consecutively_and_recovered_in_order()
    {
        var first = Start("all");
        Append(first, "a");
        first.Tell(new JournalingActor.AppendAll(new object[] { "b", "c", "d" }));
        Assert.Equal(4, ExpectMsg<JournalingActor.State>(Generous).LastSequenceNr);
        Stop(first);

        var state = StateOf(Start("all"));
        Assert.Equal(new object[] { "a", "b", "c", "d" }, state.Events);
        Assert.Equal(4, state.LastSequenceNr);
    }

    [Fact]
    public void Deleting_its_events_keeps_the_sequence_numbers_going()
    {
        var first = Start("deleted");
        foreach (var e in new[] { "a", "b", "c" }) Append(first, e);
        first.Tell(new JournalingActor.Delete(3));
        _monitor.ExpectMsg<DeleteMessagesSuccess>(Generous);
        Stop(first);

        var second = Start("deleted");
        var recovered = StateOf(second);
        Assert.Empty(recovered.Events);
        Assert.Equal(3, recovered.LastSequenceNr);
        Assert.Equal(4, Append(second, "d").LastSequenceNr);
    }

    [Fact]
    public void A_rejected_event_is_reported_and_the_actor_keeps_persisting()
    {
        var actor = Start("rejecting");
        actor.Tell(new JournalingActor.Append(new SpecPayloads.Unserializable("x")));
        Assert.Equal(1, _monitor.ExpectMsg<JournalingActor.Rejected>(Generous).SequenceNr);
        Assert.Equal(new object[] { "a" }, Append(actor, "a").Events);
        Stop(actor);

        Assert.Equal(new object[] { "a" }, StateOf(Start("rejecting")).Events);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _backend.Dispose();
    }
}
