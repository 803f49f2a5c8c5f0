using System.Collections.Concurrent;
using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class LifecycleSpec : ActorTestKit
{
    /// <summary>Records PreStart/PostStop in a shared log and creates the children it is told to.</summary>
    private sealed class TreeActor : ReceiveActor
    {
        private readonly ConcurrentQueue<string> _log;

        public TreeActor(ConcurrentQueue<string> log, int depth)
        {
            _log = log;
            if (depth > 0)
            {
                Context.ActorOf(Props.Create(() => new TreeActor(log, depth - 1)), "child" + depth + "a");
                Context.ActorOf(Props.Create(() => new TreeActor(log, depth - 1)), "child" + depth + "b");
            }

            Receive<string>(s => Sender.Tell(Context.Children.Count), s => s == "children");
        }

        protected override void PreStart() => _log.Enqueue("start " + Self.Path.ToStringWithoutAddress());

        protected override void PostStop() => _log.Enqueue("stop " + Self.Path.ToStringWithoutAddress());
    }

    [Fact]
    public async Task Terminate_stops_children_before_their_parents_and_completes_WhenTerminated()
    {
        var log = new ConcurrentQueue<string>();
        var system = ActorSystem.Create("lifecycle", logger: TestLogging.Quiet("lifecycle"));
        var root = system.ActorOf(Props.Create(() => new TreeActor(log, 2)), "root");
        Assert.Equal(2, await root.Ask<int>("children", TimeSpan.FromSeconds(30)));

        await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
        var stops = log.Where(l => l.StartsWith("stop ", StringComparison.Ordinal)).Select(l => l[5..]).ToList();
        Assert.Equal(7, stops.Count);
        // Every actor's PostStop runs after the PostStop of all its descendants.
        for (var i = 0; i < stops.Count; i++)
        {
            for (var j = i + 1; j < stops.Count; j++)
            {
                Assert.False(stops[j].StartsWith(stops[i] + "/", StringComparison.Ordinal),
                    $"{stops[i]} stopped before its descendant {stops[j]}");
            }
        }

        Assert.Equal("/user/root", stops[^1]);
    }

    [Fact]
    public void PreStart_runs_before_the_first_message_and_PostStop_on_stop()
    {
        var log = new ConcurrentQueue<string>();
        var actor = Sys.ActorOf(Props.Create(() => new TreeActor(log, 0)), "single");
        actor.Tell("children", TestActor);
        ExpectMsg(0);
        Assert.Equal(new[] { "start /user/single" }, log.ToArray());
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Assert.Equal(new[] { "start /user/single", "stop /user/single" }, log.ToArray());
    }

    [Fact]
    public void Child_names_are_unique_and_paths_follow_the_tree()
    {
        var parent = Sys.ActorOf(Props.Create(() => new EchoActor()), "parent");
        Assert.Equal("/user/parent", parent.Path.ToStringWithoutAddress());
        Assert.Equal($"dsync://{Sys.Name}/user/parent", parent.Path.ToString());
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "parent"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "$reserved"));
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "a/b"));
        var generated1 = Sys.ActorOf(Props.Create(() => new EchoActor()));
        var generated2 = Sys.ActorOf(Props.Create(() => new EchoActor()));
        Assert.StartsWith("$", generated1.Path.Name);
        Assert.NotEqual(generated1.Path, generated2.Path);
        Assert.Equal(parent, Sys.TryResolveActorRef("/user/parent"));
        Assert.Equal(parent, Sys.TryResolveActorRef(parent.Path));
        Assert.Null(Sys.TryResolveActorRef("/user/nobody-here"));
    }

    [Fact]
    public async Task An_actor_selection_resolves_and_delivers()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()), "selected");
        Sys.ActorSelection("/user/selected").Tell("via selection", TestActor);
        ExpectMsg("via selection");
        Assert.Equal(echo, await Sys.ActorSelection("user/selected").ResolveOne());
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/missing").ResolveOne());
    }

    [Fact]
    public void Creating_an_actor_with_new_is_refused()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new EchoActor());
        Assert.Contains("Props", ex.Message);
    }

    [Fact]
    public void A_name_is_free_again_once_the_child_has_stopped()
    {
        var first = Sys.ActorOf(Props.Create(() => new EchoActor()), "reused");
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        AwaitAssert(() => Sys.ActorOf(Props.Create(() => new EchoActor()), "reused"));
    }
}
