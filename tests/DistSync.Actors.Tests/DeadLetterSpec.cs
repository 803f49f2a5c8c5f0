using DistSync.Hocon;
using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class DeadLetterSpec : ActorTestKit
{
    [Fact]
    public void Messages_to_a_stopped_actor_are_counted_and_published_as_dead_letters()
    {
        var actor = Sys.ActorOf(Props.Create(() => new EchoActor()), "gone");
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        var before = Sys.DeadLetterCount;

        actor.Tell("lost", TestActor);

        var letter = ExpectMsg<DeadLetter>();
        Assert.Equal("lost", letter.Message);
        Assert.Equal(actor, letter.Recipient);
        Assert.Equal(TestActor, letter.Sender);
        Assert.Equal(before + 1, Sys.DeadLetterCount);
    }

    [Fact]
    public void PoisonPill_lets_earlier_messages_through_and_turns_later_ones_into_dead_letters()
    {
        var gate = new ManualResetEventSlim(false);
        var actor = Sys.ActorOf(Props.Create(() => new GatedEcho(gate)), "poisoned");
        Sys.EventStream.Subscribe<DeadLetter>(TestActor);
        Watch(actor);
        // The actor is held inside "hold", so everything below queues up in order behind it.
        actor.Tell("hold", TestActor);
        actor.Tell("one", TestActor);
        actor.Tell("two", TestActor);
        actor.Tell(PoisonPill.Instance, TestActor);
        actor.Tell("three", TestActor);
        actor.Tell("four", TestActor);
        gate.Set();

        ExpectMsg("hold");
        ExpectMsg("one");
        ExpectMsg("two");
        var rest = new List<object>();
        for (var i = 0; i < 3; i++)
        {
            rest.Add(ReceiveOne().Message);
        }

        Assert.Contains(rest, m => m is Terminated t && t.ActorRef.Equals(actor));
        var letters = rest.OfType<DeadLetter>().Select(d => d.Message).ToList();
        Assert.Equal(new object[] { "three", "four" }, letters);
        Assert.True(Sys.DeadLetterCount >= 2);
    }

    [Fact]
    public void Messages_to_DeadLetters_are_counted()
    {
        var before = Sys.DeadLetterCount;
        Sys.DeadLetters.Tell("straight to dead letters");
        Assert.Equal(before + 1, Sys.DeadLetterCount);
    }

    [Fact]
    public async Task Dead_letters_are_all_counted_but_logged_at_most_the_limit_per_second()
    {
        var output = new StringWriter();
        var logger = DistSyncLogging.CreateLogger("n1", LogFormat.Json, Serilog.Events.LogEventLevel.Information, output);
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder()
            .AddHoconString("dsync.actors.dead-letter-log-limit-per-second = 3")
            .Build();
        var system = ActorSystem.Create("limited", configuration, logger);
        try
        {
            for (var i = 0; i < 40; i++)
            {
                system.DeadLetters.Tell(i);
            }

            Assert.Equal(40, system.DeadLetterCount);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        }

        var logged = output.ToString().Split('\n').Count(l => l.Contains("Dead letter", StringComparison.Ordinal));
        // The 40 tells may straddle one second boundary: at most two windows' worth.
        Assert.InRange(logged, 3, 6);
    }

    private sealed class GatedEcho : ReceiveActor
    {
        public GatedEcho(ManualResetEventSlim gate)
        {
            Receive<string>(s =>
            {
                if (s == "hold")
                {
                    gate.Wait(TimeSpan.FromSeconds(30));
                }

                Sender.Tell(s);
            });
        }
    }
}
