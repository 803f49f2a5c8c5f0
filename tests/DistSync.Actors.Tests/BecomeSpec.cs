using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class BecomeSpec : ActorTestKit
{
    /// <summary>A switch: "on"/"off" replace the behaviour, "push"/"pop" stack one on top.</summary>
    private sealed class SwitchActor : ReceiveActor
    {
        public SwitchActor()
        {
            Off();
        }

        private void Off()
        {
            Receive<string>(_ => Become(On), s => s == "on");
            Receive<string>(_ => Sender.Tell("off"), s => s == "state");
            Receive<string>(_ => BecomeStacked(Pushed), s => s == "push");
        }

        private void On()
        {
            Receive<string>(_ => Become(Off), s => s == "off");
            Receive<string>(_ => Sender.Tell("on"), s => s == "state");
            Receive<string>(_ => BecomeStacked(Pushed), s => s == "push");
        }

        private void Pushed()
        {
            Receive<string>(_ => Sender.Tell("pushed"), s => s == "state");
            Receive<string>(_ => UnbecomeStacked(), s => s == "pop");
        }
    }

    [Fact]
    public void Become_replaces_the_behaviour()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SwitchActor()));
        actor.Tell("state", TestActor);
        ExpectMsg("off");
        actor.Tell("on");
        actor.Tell("state", TestActor);
        ExpectMsg("on");
        actor.Tell("off");
        actor.Tell("state", TestActor);
        ExpectMsg("off");
    }

    [Fact]
    public void UnbecomeStacked_returns_to_the_behaviour_below()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SwitchActor()));
        actor.Tell("on");
        actor.Tell("push");
        actor.Tell("state", TestActor);
        ExpectMsg("pushed");
        actor.Tell("pop");
        actor.Tell("state", TestActor);
        ExpectMsg("on");
    }

    [Fact]
    public void A_message_no_handler_matches_is_published_as_unhandled()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SwitchActor()));
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        actor.Tell(42, TestActor);
        var unhandled = ExpectMsg<UnhandledMessage>();
        Assert.Equal(42, unhandled.Message);
        Assert.Equal(actor, unhandled.Recipient);
    }

    [Fact]
    public void Predicates_select_among_handlers_of_the_same_type()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SwitchActor()));
        Sys.EventStream.Subscribe<UnhandledMessage>(TestActor);
        actor.Tell("pop", TestActor); // no "pop" handler in the initial behaviour
        Assert.Equal("pop", ExpectMsg<UnhandledMessage>().Message);
    }
}
