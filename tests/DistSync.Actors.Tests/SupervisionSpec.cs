using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class SupervisionSpec : ActorTestKit
{
    private IActorRef CreateChildUnder(Func<Exception, Directive> decider, string name, int maxRetries = -1, TimeSpan? window = null)
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new SupervisorActor(decider, maxRetries, window)), "supervisor-" + name);
        supervisor.Tell(new CreateChild(Props.Create(() => new CounterActor(TestActor)), name), TestActor);
        var child = ExpectMsg<IActorRef>();
        ExpectMsg("started:" + name);
        return child;
    }

    [Fact]
    public void Restart_keeps_the_mailbox_drops_the_failing_message_and_resets_state()
    {
        var child = CreateChildUnder(_ => Directive.Restart, "restarted");
        child.Tell("inc");
        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc"); // queued behind the failure: must survive the restart
        child.Tell("get", TestActor);

        ExpectMsg("stopped:restarted"); // default PreRestart calls PostStop on the old instance
        ExpectMsg("restarted:restarted");
        ExpectMsg("started:restarted");
        ExpectMsg(1); // fresh state (0) + the one inc queued after the failure
    }

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        var child = CreateChildUnder(_ => Directive.Resume, "resumed");
        child.Tell("inc");
        child.Tell("fail");
        child.Tell("inc");
        child.Tell("get", TestActor);
        ExpectMsg(2);
    }

    [Fact]
    public void Stop_directive_stops_the_child_and_watchers_see_Terminated()
    {
        var child = CreateChildUnder(_ => Directive.Stop, "stopped");
        Watch(child);
        child.Tell("fail");
        ExpectMsg("stopped:stopped");
        ExpectTerminated(child);
    }

    [Fact]
    public void The_decider_chooses_per_exception_type()
    {
        var child = CreateChildUnder(ex => ex is ArgumentException ? Directive.Stop : Directive.Resume, "per-type");
        Watch(child);
        child.Tell("fail");
        child.Tell("inc");
        child.Tell("get", TestActor);
        ExpectMsg(1);
        child.Tell("fail-arg");
        ExpectMsg("stopped:per-type");
        ExpectTerminated(child);
    }

    [Fact]
    public void More_restarts_than_allowed_within_the_window_stop_the_child()
    {
        var child = CreateChildUnder(_ => Directive.Restart, "limited", maxRetries: 2, window: TimeSpan.FromMinutes(5));
        Watch(child);
        for (var i = 1; i <= 2; i++)
        {
            child.Tell("fail");
            ExpectMsg("stopped:limited");
            ExpectMsg("restarted:limited");
            ExpectMsg("started:limited");
        }

        child.Tell("fail"); // third failure in the window: over the limit
        ExpectMsg("stopped:limited");
        ExpectTerminated(child);
    }

    [Fact]
    public void Restarts_outside_the_window_are_counted_afresh()
    {
        var stats = new ChildRestartStats();
        var window = TimeSpan.FromMilliseconds(200);
        Assert.True(stats.RequestRestartPermission(1, window));
        Assert.False(stats.RequestRestartPermission(1, window)); // second within the window
        // Move the window start into the past instead of sleeping.
        stats.WindowStart -= (long)(System.Diagnostics.Stopwatch.Frequency * 1.0);
        Assert.True(stats.RequestRestartPermission(1, window));
    }

    [Fact]
    public void Escalate_fails_the_parent_which_its_own_supervisor_restarts_stopping_the_old_children()
    {
        // top (restart) -> middle (escalates) -> leaf (fails)
        var top = Sys.ActorOf(Props.Create(() => new SupervisorActor(_ => Directive.Restart, -1, null)), "top");
        top.Tell(new CreateChild(Props.Create(() => new SupervisorActor(_ => Directive.Escalate, -1, null)), "middle"), TestActor);
        var middle = ExpectMsg<IActorRef>();
        middle.Tell(new CreateChild(Props.Create(() => new CounterActor(TestActor)), "leaf"), TestActor);
        var leaf = ExpectMsg<IActorRef>();
        ExpectMsg("started:leaf");
        Watch(leaf);

        leaf.Tell("fail");

        // middle restarted by top: its default PreRestart stops leaf.
        ExpectMsg("stopped:leaf");
        ExpectTerminated(leaf);
        Assert.Equal(middle, Sys.TryResolveActorRef("/user/top/middle"));
        // The restarted middle works and can create a child with the old name again.
        middle.Tell(new CreateChild(Props.Create(() => new CounterActor(TestActor)), "leaf"), TestActor);
        ExpectMsg<IActorRef>();
        ExpectMsg("started:leaf");
    }

    [Fact]
    public void Resuming_an_actor_that_escalated_resumes_the_failed_child_too()
    {
        var top = Sys.ActorOf(Props.Create(() => new SupervisorActor(_ => Directive.Resume, -1, null)), "resuming-top");
        top.Tell(new CreateChild(Props.Create(() => new SupervisorActor(_ => Directive.Escalate, -1, null)), "middle"), TestActor);
        var middle = ExpectMsg<IActorRef>();
        middle.Tell(new CreateChild(Props.Create(() => new CounterActor(TestActor)), "leaf"), TestActor);
        var leaf = ExpectMsg<IActorRef>();
        ExpectMsg("started:leaf");
        leaf.Tell("inc");
        leaf.Tell("fail");
        leaf.Tell("inc");
        leaf.Tell("get", TestActor);
        ExpectMsg(2); // state kept, processing resumed
    }

    [Fact]
    public void Default_strategy_stops_a_child_whose_constructor_throws()
    {
        var probe = CreateTestProbe();
        var broken = Sys.ActorOf(Props.Create<ThrowingConstructorActor>());
        probe.Watch(broken);
        probe.ExpectTerminated(broken);
    }

    [Fact]
    public void Kill_fails_the_actor_and_the_default_strategy_stops_it()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(TestActor)), "killed");
        ExpectMsg("started:killed");
        Watch(counter);
        counter.Tell(Kill.Instance);
        ExpectMsg("stopped:killed");
        ExpectTerminated(counter);
    }

    [Fact]
    public void Default_strategy_restarts_a_top_level_actor_on_an_ordinary_exception()
    {
        var counter = Sys.ActorOf(Props.Create(() => new CounterActor(TestActor)), "top-level");
        ExpectMsg("started:top-level");
        counter.Tell("inc");
        counter.Tell("fail");
        counter.Tell("get", TestActor);
        ExpectMsg("stopped:top-level");
        ExpectMsg("restarted:top-level");
        ExpectMsg("started:top-level");
        ExpectMsg(0);
    }

    private sealed class ThrowingConstructorActor : ReceiveActor
    {
        public ThrowingConstructorActor()
        {
            throw new InvalidOperationException("cannot construct");
        }
    }
}
