using DistSync.TestKit;

namespace DistSync.Actors.Tests;

public sealed class MailboxOrderingSpec : ActorTestKit
{
    private sealed record Numbered(int Sender, int Sequence);

    private sealed record Report(int Processed, int Violations, int Overlaps);

    /// <summary>Checks per-sender order and that no two messages are ever processed at once.</summary>
    private sealed class CheckingActor : ReceiveActor
    {
        private readonly Dictionary<int, int> _lastBySender = new();
        private int _inside;
        private int _processed;
        private int _violations;
        private int _overlaps;

        public CheckingActor()
        {
            Receive<Numbered>(m =>
            {
                if (Interlocked.Increment(ref _inside) != 1)
                {
                    Interlocked.Increment(ref _overlaps);
                }

                _lastBySender.TryGetValue(m.Sender, out var last);
                if (m.Sequence != last + 1)
                {
                    _violations++;
                }

                _lastBySender[m.Sender] = m.Sequence;
                _processed++;
                // A little work widens the window in which a second thread could wrongly enter.
                Thread.SpinWait(20);
                Interlocked.Decrement(ref _inside);
            });
            Receive<string>(_ => Sender.Tell(new Report(_processed, _violations, _overlaps)), s => s == "report");
        }
    }

    [Fact]
    public async Task Messages_from_one_sender_arrive_in_send_order_and_are_processed_one_at_a_time_under_concurrent_tells()
    {
        const int senders = 8;
        const int perSender = 20_000;
        var target = Sys.ActorOf(Props.Create(() => new CheckingActor()).WithMailboxThroughput(7), "checker");
        var start = new Barrier(senders);
        var threads = Enumerable.Range(0, senders).Select(s => new Thread(() =>
        {
            start.SignalAndWait();
            for (var i = 1; i <= perSender; i++)
            {
                target.Tell(new Numbered(s, i));
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        // The report request is queued after every message above, so it sees them all.
        var report = await target.Ask<Report>("report", Dilated(TimeSpan.FromSeconds(30)));
        Assert.Equal(senders * perSender, report.Processed);
        Assert.Equal(0, report.Violations);
        Assert.Equal(0, report.Overlaps);
    }

    [Fact]
    public void A_stop_overtakes_queued_user_messages_which_become_dead_letters()
    {
        var gate = new ManualResetEventSlim(false);
        var entered = new ManualResetEventSlim(false);
        var actor = Sys.ActorOf(Props.Create(() => new HeldEcho(entered, gate)), "held");
        Watch(actor);
        actor.Tell("hold", TestActor);
        Assert.True(entered.Wait(Dilated(TimeSpan.FromSeconds(30))), "the actor never started the held message");
        for (var i = 0; i < 100; i++)
        {
            actor.Tell(i, TestActor);
        }

        var before = Sys.DeadLetterCount;
        Sys.Stop(actor); // a system message: handled right after the current message, before the 100 queued ones
        gate.Set();

        ExpectMsg("hold");
        ExpectTerminated(actor);
        Assert.Equal(before + 100, Sys.DeadLetterCount);
    }

    private sealed class HeldEcho : ReceiveActor
    {
        public HeldEcho(ManualResetEventSlim entered, ManualResetEventSlim gate)
        {
            ReceiveAny(m =>
            {
                if (m is "hold")
                {
                    entered.Set();
                    gate.Wait(TimeSpan.FromSeconds(30));
                }

                Sender.Tell(m);
            });
        }
    }

    [Fact]
    public void Messages_between_two_actors_keep_their_order()
    {
        var echo = Sys.ActorOf(Props.Create(() => new EchoActor()));
        for (var i = 0; i < 1000; i++)
        {
            echo.Tell(i, TestActor);
        }

        for (var i = 0; i < 1000; i++)
        {
            ExpectMsg(i);
        }
    }
}
