using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class TimersSpec : ActorTestKit
{
    private sealed record StartSingle(object Key, object Message, TimeSpan Delay);

    private sealed record StartPeriodic(object Key, object Message, TimeSpan Interval);

    private sealed record CancelTimer(object Key);

    private sealed record IsActive(object Key);

    /// <summary>Drives its timers from messages and forwards every other message to the reporter.</summary>
    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef reporter)
        {
            Receive<StartSingle>(s => Timers.StartSingleTimer(s.Key, s.Message, s.Delay));
            Receive<StartPeriodic>(s => Timers.StartPeriodicTimer(s.Key, s.Message, s.Interval));
            Receive<CancelTimer>(c => Timers.Cancel(c.Key));
            Receive<IsActive>(q => Sender.Tell(Timers.IsTimerActive(q.Key)));
            Receive<string>(_ => throw new InvalidOperationException("crash"), s => s == "crash");
            ReceiveAny(m => reporter.Tell(m));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    private IActorRef CreateTimerActor() => Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));

    [Fact]
    public void A_single_timer_delivers_its_message_once()
    {
        var actor = CreateTimerActor();
        actor.Tell(new StartSingle("k", "tick", TimeSpan.FromMilliseconds(20)));
        ExpectMsg("tick");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        actor.Tell(new IsActive("k"), TestActor);
        ExpectMsg(false);
    }

    [Fact]
    public void A_periodic_timer_keeps_delivering_until_cancelled()
    {
        var actor = CreateTimerActor();
        actor.Tell(new StartPeriodic("p", "tock", TimeSpan.FromMilliseconds(20)));
        ExpectMsg("tock");
        ExpectMsg("tock");
        ExpectMsg("tock");
        actor.Tell(new CancelTimer("p"));
        // Ticks already queued before the cancel are dropped by the generation check, not delivered.
        actor.Tell("marker");
        FishForMessage<string>(m => m == "marker");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Starting_a_key_again_replaces_the_old_timer()
    {
        var actor = CreateTimerActor();
        actor.Tell(new StartSingle("k", "old", TimeSpan.FromMilliseconds(150)));
        actor.Tell(new StartSingle("k", "new", TimeSpan.FromMilliseconds(300)));
        ExpectMsg("new");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_cancelled_timer_never_delivers_even_when_it_had_already_fired()
    {
        // The timer is due at once and the cancel is queued right behind the start: the tick may already be in the
        // mailbox when the cancel runs, and must still not be delivered.
        var actor = CreateTimerActor();
        for (var i = 0; i < 50; i++)
        {
            actor.Tell(new StartSingle("k" + i, "tick", TimeSpan.Zero));
            actor.Tell(new CancelTimer("k" + i));
        }

        actor.Tell("marker");
        var delivered = 0;
        while (true)
        {
            var m = ExpectMsg<string>();
            if (m == "marker")
            {
                break;
            }

            delivered++;
        }

        // A tick can only come before its cancel is processed, i.e. before the marker; after it none may arrive.
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        Assert.InRange(delivered, 0, 50);
    }

    [Fact]
    public void Timers_do_not_fire_after_the_actor_stopped()
    {
        var actor = CreateTimerActor();
        actor.Tell(new StartPeriodic("p", "tock", TimeSpan.FromMilliseconds(30)));
        actor.Tell(new StartSingle("s", "single", TimeSpan.FromMilliseconds(150)));
        ExpectMsg("tock");
        Watch(actor);
        Sys.Stop(actor);
        FishForMessage<Terminated>(_ => true);
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_restart_cancels_the_timers()
    {
        var actor = CreateTimerActor();
        actor.Tell(new StartPeriodic("p", "tock", TimeSpan.FromMilliseconds(30)));
        ExpectMsg("tock");
        actor.Tell("crash");
        actor.Tell(new IsActive("p"), TestActor);
        FishForMessage<bool>(active => !active);
        actor.Tell("marker");
        FishForMessage<string>(m => m == "marker");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }
}
