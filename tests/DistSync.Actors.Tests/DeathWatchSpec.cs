using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class DeathWatchSpec : ActorTestKit
{
    [Fact]
    public void Stopping_an_actor_sends_Terminated_to_every_watcher()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()), "target");
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        first.Watch(target);
        second.Watch(target);
        // Make sure both watches are registered before stopping (a round trip through each probe).
        first.Send(first.Ref, "sync");
        first.ExpectMsg("sync");
        second.Send(second.Ref, "sync");
        second.ExpectMsg("sync");

        Sys.Stop(target);

        first.ExpectTerminated(target);
        second.ExpectTerminated(target);
    }

    [Fact]
    public void Watching_an_already_stopped_actor_yields_Terminated()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);

        var late = CreateTestProbe();
        late.Watch(target);
        late.ExpectTerminated(target);
    }

    [Fact]
    public void An_actor_watching_another_gets_Terminated_in_its_Receive()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()), "watched");
        var watcher = Sys.ActorOf(Props.Create(() => new WatcherActor(target, TestActor)), "watcher");
        ExpectMsg("watching");
        target.Tell(PoisonPill.Instance);
        var terminated = ExpectMsg<Terminated>();
        Assert.Equal(target, terminated.ActorRef);
        Assert.NotNull(watcher);
    }

    [Fact]
    public void After_Unwatch_no_Terminated_arrives()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var probe = CreateTestProbe();
        probe.Watch(target);
        probe.Unwatch(target);
        // The probe handles its watch commands in order, so after this round trip the unwatch is done.
        probe.Send(probe.Ref, "sync");
        probe.ExpectMsg("sync");
        Sys.Stop(target);
        Watch(target);
        ExpectTerminated(target);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void An_unhandled_Terminated_is_a_death_pact_that_stops_the_watcher()
    {
        var target = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var careless = Sys.ActorOf(Props.Create(() => new CarelessWatcher(target)));
        Watch(careless);
        careless.Tell("sync", TestActor);
        ExpectMsg("sync");
        Sys.Stop(target);
        ExpectTerminated(careless);
    }

    private sealed class WatcherActor : ReceiveActor
    {
        public WatcherActor(IActorRef target, IActorRef report)
        {
            Receive<Terminated>(t => report.Tell(t));
            Context.Watch(target);
            report.Tell("watching");
        }
    }

    private sealed class CarelessWatcher : ReceiveActor
    {
        public CarelessWatcher(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(s => Sender.Tell(s));
        }
    }
}
