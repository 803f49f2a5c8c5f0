using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class TimersSpec : ActorTestKit
{
    private sealed record StartSingle(object Key, object Message, TimeSpan Delay);

    private sealed record StartPeriodic(object Key, object Message, TimeSpan Interval);

    private sealed record CancelTimer(object Key);

    /// <summary>Starts a key twice in one turn, so the replacement cannot race the first timer.</summary>
    private sealed record StartTwice(object Key, StartSingle First, StartSingle Second);

    private sealed record IsActive(object Key);

    /// <summary>Drives its timers from messages and forwards every other message to the reporter.</summary>
    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef reporter)
        {
            Receive<StartSingle>(s => Timers.StartSingleTimer(s.Key, s.Message, s.Delay));
            Receive<StartTwice>(t =>
            {
                Timers.StartSingleTimer(t.Key, t.First.Message, t.First.Delay);
                Timers.StartSingleTimer(t.Key, t.Second.Message, t.Second.Delay);
            });
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
        actor.Tell(new StartTwice("k", new StartSingle("k", "old", TimeSpan.FromMilliseconds(50)), new StartSingle("k", "new", TimeSpan.FromMilliseconds(200))));
        ExpectMsg("new");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void A_cancelled_timer_never_delivers_even_when_its_message_is_already_queued()
    {
        var actor = Sys.ActorOf(Props.Create(() => new CancelAfterFireActor(TestActor)));
        actor.Tell("go");
        ExpectMsg("cancelled with the tick already queued");
        actor.Tell("marker");
        ExpectMsg("marker"); // a delivered tick would have come first
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_replaced_timer_never_delivers_even_when_its_message_is_already_queued()
    {
        var actor = Sys.ActorOf(Props.Create(() => new CancelAfterFireActor(TestActor)));
        actor.Tell("replace");
        ExpectMsg("cancelled with the tick already queued");
        ExpectMsg("new tick");
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    /// <summary>Starts a due-now timer, waits inside the same turn until its message sits in the mailbox,
    /// then cancels (or replaces) it: the queued message must be dropped.</summary>
    private sealed class CancelAfterFireActor : ReceiveActor, IWithTimers
    {
        public CancelAfterFireActor(IActorRef reporter)
        {
            Receive<string>(s =>
            {
                Timers.StartSingleTimer("k", "old tick", TimeSpan.Zero);
                var mailbox = ((LocalActorRef)Self).Cell.Mailbox;
                Assert.True(SpinWait.SpinUntil(() => mailbox.HasQueuedUserMessages, TimeSpan.FromSeconds(30)));
                if (s == "replace")
                {
                    Timers.StartSingleTimer("k", "new tick", TimeSpan.FromMilliseconds(10));
                }
                else
                {
                    Timers.Cancel("k");
                }

                reporter.Tell("cancelled with the tick already queued");
            }, s => s is "go" or "replace");
            ReceiveAny(m => reporter.Tell(m));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    [Fact]
    public void Timers_do_not_fire_after_the_actor_stopped()
    {
        var actor = CreateTimerActor();
        actor.Tell(new StartPeriodic("p", "tock", TimeSpan.FromMilliseconds(30)));
        actor.Tell(new StartSingle("s", "single", TimeSpan.FromMilliseconds(150)));
        // On a loaded machine the single timer may fire before the first tock; its order is not what this pins.
        FishForMessage<string>(m => m == "tock");
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
