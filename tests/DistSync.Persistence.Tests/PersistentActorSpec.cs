using System.Text;
using DistSync.Actors;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Persistence.Serialization;
using DistSync.TestKit;
using static DistSync.Persistence.Tests.EventLogActor;

namespace DistSync.Persistence.Tests;

public sealed class PersistentActorSpec : ActorTestKit
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(20);
    private readonly InMemStorage _storage = new();
    private readonly ControllableJournal _journal;
    private int _incarnations;

    public PersistentActorSpec()
    {
        _journal = new ControllableJournal(_storage);
        PersistenceExtension.Start(Sys, _journal, new InMemSnapshotStore(_storage));
    }

    private IActorRef Start(string pid, TestProbe probe) =>
        Sys.ActorOf(Props.Create(() => new EventLogActor(pid, probe.Ref)), $"{pid}-{++_incarnations}");

    private void StopAndWait(IActorRef actor)
    {
        var watcher = CreateTestProbe();
        watcher.Watch(actor);
        Sys.Stop(actor);
        watcher.ExpectTerminated(actor, Generous);
    }

    [Fact]
    public void Persisted_events_are_recovered_by_the_next_incarnation()
    {
        var probe = CreateTestProbe();
        var first = Start("log", probe);
        probe.ExpectMsg<Recovered>(r => r.LastSequenceNr == 0, Generous);
        foreach (var v in new[] { "a", "b", "c" }) first.Tell(new Append(v), TestActor);
        Assert.Equal(new Acked("a", 1), ExpectMsg<Acked>(Generous));
        Assert.Equal(new Acked("b", 2), ExpectMsg<Acked>(Generous));
        Assert.Equal(new Acked("c", 3), ExpectMsg<Acked>(Generous));
        StopAndWait(first);

        var second = Start("log", probe);

        Assert.Equal(new Recovered("a,b,c", 3), probe.ExpectMsg<Recovered>(Generous));
        second.Tell(new Append("d"), TestActor);
        Assert.Equal(new Acked("d", 4), ExpectMsg<Acked>(Generous));
    }

    [Fact]
    public async Task Commands_sent_while_a_persist_is_in_flight_are_handled_after_it_in_order()
    {
        var probe = CreateTestProbe();
        var actor = Start("order", probe);
        probe.ExpectMsg<Recovered>(Generous);
        _journal.HoldWrites();

        actor.Tell(new Append("a"), TestActor);
        await _journal.WriteHeld.Task.WaitAsync(Generous);
        actor.Tell(new GetState(), TestActor);
        actor.Tell(new Append("b"), TestActor);
        actor.Tell(new GetState(), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // nothing may be answered before the write is durable
        _journal.ReleaseWrites();

        Assert.Equal(new Acked("a", 1), ExpectMsg<Acked>(Generous));
        Assert.Equal(new State("a", 1), ExpectMsg<State>(Generous));
        Assert.Equal(new Acked("b", 2), ExpectMsg<Acked>(Generous));
        Assert.Equal(new State("a,b", 2), ExpectMsg<State>(Generous));
    }

    [Fact]
    public async Task A_new_incarnation_recovers_the_write_its_predecessor_still_had_in_flight()
    {
        var probe = CreateTestProbe();
        var first = Start("inflight", probe);
        probe.ExpectMsg<Recovered>(Generous);
        _journal.HoldWrites();
        first.Tell(new Append("a"), TestActor);
        await _journal.WriteHeld.Task.WaitAsync(Generous);
        StopAndWait(first); // its write is still queued in the journal actor

        var second = Start("inflight", probe);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200)); // recovery waits for the earlier write to settle
        _journal.ReleaseWrites();

        Assert.Equal(new Recovered("a", 1), probe.ExpectMsg<Recovered>(Generous));
        second.Tell(new Append("b"), TestActor);
        Assert.Equal(new Acked("b", 2), ExpectMsg<Acked>(Generous));
    }

    [Fact]
    public void PersistAll_stores_its_events_as_one_atomic_write_and_handles_them_in_order()
    {
        var probe = CreateTestProbe();
        var actor = Start("all", probe);
        probe.ExpectMsg<Recovered>(Generous);

        actor.Tell(new AppendAll(new[] { "x", "y", "z" }), TestActor);

        Assert.Equal(new Acked("x", 1), ExpectMsg<Acked>(Generous));
        Assert.Equal(new Acked("y", 2), ExpectMsg<Acked>(Generous));
        Assert.Equal(new Acked("z", 3), ExpectMsg<Acked>(Generous));
        var write = Assert.Single(Assert.Single(_journal.Batches));
        Assert.Equal(new long[] { 1, 2, 3 }, write.Events.Select(e => e.SequenceNr));
        Assert.All(write.Events, e => Assert.Equal(PersistenceTypeIds.Utf8String, e.TypeId));
    }

    [Fact]
    public void Recovery_offers_the_newest_snapshot_then_replays_only_later_events()
    {
        var probe = CreateTestProbe();
        var first = Start("snap", probe);
        probe.ExpectMsg<Recovered>(Generous);
        first.Tell(new Append("a"), TestActor);
        first.Tell(new Append("b"), TestActor);
        ExpectMsg<Acked>(Generous);
        ExpectMsg<Acked>(Generous);
        first.Tell(new Snap(), TestActor);
        var saved = probe.ExpectMsg<Actor.SaveSnapshotSuccess>(Generous);
        Assert.Equal(2, saved.Metadata.SequenceNr);
        first.Tell(new Append("c"), TestActor);
        ExpectMsg<Acked>(Generous);
        StopAndWait(first);

        Start("snap", probe);

        Assert.Equal(new Offered("a,b", 2), probe.ExpectMsg<Offered>(Generous));
        Assert.Equal(new Recovered("a,b,c", 3), probe.ExpectMsg<Recovered>(Generous));
    }

    [Fact]
    public async Task Commands_sent_during_recovery_wait_until_recovery_completed()
    {
        var seed = new InMemJournal(_storage);
        await seed.WriteMessagesAsync(new[] { new AtomicWrite(new PersistentRepr("slow", 1, PersistenceTypeIds.Utf8String, "old"u8.ToArray())) });
        _journal.HoldReplays();
        var probe = CreateTestProbe();

        var actor = Start("slow", probe);
        actor.Tell(new GetState(), TestActor);
        actor.Tell(new Append("new"), TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        _journal.ReleaseReplays();

        Assert.Equal(new Recovered("old", 1), probe.ExpectMsg<Recovered>(Generous));
        Assert.Equal(new State("old", 1), ExpectMsg<State>(Generous));
        Assert.Equal(new Acked("new", 2), ExpectMsg<Acked>(Generous));
    }

    [Fact]
    public async Task A_failed_write_stops_the_actor_without_running_the_handler()
    {
        var probe = CreateTestProbe();
        var actor = Start("fail", probe);
        probe.ExpectMsg<Recovered>(Generous);
        Watch(actor);
        _journal.FailWritesWith = new IOException("disk full");

        actor.Tell(new Append("lost"), TestActor);

        Assert.Equal(new PersistFailed("lost", 1, "disk full"), probe.ExpectMsg<PersistFailed>(Generous));
        ExpectTerminated(actor, Generous);
        Assert.Equal(0, await _journal.ReadHighestSequenceNrAsync("fail", 0));
    }

    [Fact]
    public void A_failing_replay_stops_the_actor()
    {
        _journal.FailReplayWith = new IOException("unreadable");
        var probe = CreateTestProbe();

        var actor = Start("broken", probe);
        Watch(actor);

        Assert.Equal(new RecoveryFailed("unreadable"), probe.ExpectMsg<RecoveryFailed>(Generous));
        ExpectTerminated(actor, Generous);
    }

    [Fact]
    public async Task An_event_its_recovery_handler_rejects_stops_the_actor()
    {
        await new InMemJournal(_storage).WriteMessagesAsync(new[] { new AtomicWrite(new PersistentRepr("bad", 1, PersistenceTypeIds.Utf8String, Encoding.UTF8.GetBytes("poison"))) });
        var probe = CreateTestProbe();

        var actor = Start("bad", probe);
        Watch(actor);

        Assert.Equal(new RecoveryFailed("poison event"), probe.ExpectMsg<RecoveryFailed>(Generous));
        ExpectTerminated(actor, Generous);
    }

    [Fact]
    public void Deleted_events_are_not_replayed_but_sequence_numbers_keep_counting()
    {
        var probe = CreateTestProbe();
        var first = Start("del", probe);
        probe.ExpectMsg<Recovered>(Generous);
        foreach (var v in new[] { "a", "b", "c" }) first.Tell(new Append(v), TestActor);
        ExpectMsg<Acked>(Generous);
        ExpectMsg<Acked>(Generous);
        ExpectMsg<Acked>(Generous);
        first.Tell(new DeleteUpTo(2), TestActor);
        Assert.Equal(new Actor.DeleteMessagesSuccess(2), probe.ExpectMsg<Actor.DeleteMessagesSuccess>(Generous));
        StopAndWait(first);

        var second = Start("del", probe);

        Assert.Equal(new Recovered("c", 3), probe.ExpectMsg<Recovered>(Generous));
        second.Tell(new Append("d"), TestActor);
        Assert.Equal(new Acked("d", 4), ExpectMsg<Acked>(Generous));
    }

    [Fact]
    public void Deleted_snapshots_are_no_longer_offered()
    {
        var probe = CreateTestProbe();
        var first = Start("dsnap", probe);
        probe.ExpectMsg<Recovered>(Generous);
        first.Tell(new Append("a"), TestActor);
        ExpectMsg<Acked>(Generous);
        first.Tell(new Snap(), TestActor);
        probe.ExpectMsg<Actor.SaveSnapshotSuccess>(Generous);
        first.Tell(new DeleteAllSnapshots(), TestActor);
        probe.ExpectMsg<Actor.DeleteSnapshotsSuccess>(Generous);
        StopAndWait(first);

        Start("dsnap", probe);

        // Without a snapshot the state comes from the journal alone, and no offer precedes it.
        Assert.Equal(new Recovered("a", 1), probe.ExpectMsg<Recovered>(Generous));
    }

    [Fact]
    public async Task Persist_calls_of_many_actors_are_group_committed()
    {
        var probe = CreateTestProbe();
        var actors = Enumerable.Range(0, 20).Select(i => Start($"many-{i}", probe)).ToList();
        for (var i = 0; i < actors.Count; i++) probe.ExpectMsg<Recovered>(Generous);
        _journal.HoldWrites();
        actors[0].Tell(new Append("first"), TestActor);
        await _journal.WriteHeld.Task.WaitAsync(Generous);

        foreach (var actor in actors.Skip(1)) actor.Tell(new Append("v"), TestActor);
        Assert.Equal(1, PersistenceExtension.Get(Sys).JournalMetrics.Transactions);
        // Wait until the other 19 actors' writes queue behind the held batch, then let everything go.
        AwaitCondition(() => PersistenceExtension.Get(Sys).JournalMetrics.WaitingRequests == 19, Generous);
        _journal.ReleaseWrites();

        for (var i = 0; i < actors.Count; i++) ExpectMsg<Acked>(Generous);
        Assert.Equal(new[] { 1, 19 }, _journal.Batches.Select(b => b.Count));
        Assert.Equal(2, PersistenceExtension.Get(Sys).JournalMetrics.Transactions);
        Assert.Equal(20, PersistenceExtension.Get(Sys).JournalMetrics.EventsWritten);
    }
}
