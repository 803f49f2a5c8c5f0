using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace DistSync.Bench;

/// <summary>
/// Local Akka.NET actor figures: ping-pong pairs (1 message in flight per pair, and a batch in flight as in Akka's
/// PingPong benchmark), fan-in (many sender actors to one receiver), the cost of <c>Become</c> per message
/// (<c>ReceiveActor</c>, which rebuilds its handler table, and <c>UntypedActor</c>) and of stash/unstash, and Ask
/// round-trip latency.
/// Args: <c>--quick</c> (fewer messages), <c>--batch N</c> (messages in flight per pair, default 100),
/// <c>--throughput N</c> (messages per actor turn on the default dispatcher; Akka's default is 30).
/// </summary>
public sealed class ActorsBench : IBenchmark
{
    public string Name => "actors";

    public string Description => "local Akka actor throughput (ping-pong pairs, fan-in, become, stash) and Ask latency";

    public async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var batch = OptionValue(args, "--batch", 100);
        var throughput = OptionValue(args, "--throughput", 30);
        if (batch < 1 || throughput < 1)
        {
            Console.Error.WriteLine("actors: --batch and --throughput need a positive number");
            return 2;
        }

        var scale = quick ? 0.2 : 1.0;
        Console.WriteLine($"actors benchmark (Akka 1.5.74): {Environment.ProcessorCount} cores, .NET {Environment.Version}, throughput per turn {throughput}{(quick ? ", quick" : "")}{RemoteBench.LoadAverage()}");
        var config = ConfigurationFactory.ParseString($$"""
            akka { loglevel = WARNING, stdout-loglevel = WARNING, log-dead-letters = 0 }
            akka.actor.default-dispatcher.throughput = {{throughput}}
            """);
        var system = ActorSystem.Create("bench", config);
        var deadLetters = new DeadLetterCount();
        system.EventStream.Subscribe(system.ActorOf(Props.Create(() => new DeadLetterCounter(deadLetters))), typeof(DeadLetter));
        try
        {
            var rows = new List<(string Case, long Messages, TimeSpan Elapsed, long Bytes)>();
            async Task Row(string name, long messages, Func<Task<TimeSpan>> run)
            {
                var bytes = GC.GetTotalAllocatedBytes(true);
                var elapsed = await run();
                rows.Add((name, messages, elapsed, GC.GetTotalAllocatedBytes(true) - bytes));
            }

            // Warm-up: JIT and thread pool.
            await PingPong(system, 2, batch, (long)(200_000 * scale));
            await Burst(system, Props.Create(() => new StashSink(100)), (long)(100_000 * scale));

            foreach (var pairs in new[] { 1, 2, 4, 8 })
            {
                var roundTrips = (long)(400_000 * scale / Math.Sqrt(pairs));
                await Row($"ping-pong {pairs} pair(s), 1 in flight", 2 * roundTrips * pairs, () => PingPong(system, pairs, 1, roundTrips));
            }

            foreach (var pairs in new[] { 1, 2, 4, 8 })
            {
                var roundTrips = (long)(4_000_000 * scale / pairs);
                await Row($"ping-pong {pairs} pair(s), {batch} in flight", 2 * roundTrips * pairs, () => PingPong(system, pairs, batch, roundTrips));
            }

            foreach (var senders in new[] { 2, 8 })
            {
                var perSender = (long)(4_000_000 * scale / senders);
                await Row($"fan-in {senders} senders -> 1", perSender * senders, () => FanIn(system, senders, perSender));
            }

            var burst = (long)(2_000_000 * scale) / 100 * 100;
            await Row("1 sender -> 1, plain receive", burst, () => Burst(system, Props.Create(() => new CountingSink()), burst));
            await Row("1 sender -> 1, Become per msg (Receive)", burst, () => Burst(system, Props.Create(() => new ReceiveBecomeSink()), burst));
            await Row("1 sender -> 1, Become per msg (Untyped)", burst, () => Burst(system, Props.Create(() => new UntypedBecomeSink()), burst));
            await Row("1 sender -> 1, stash 100 + unstash", burst, () => Burst(system, Props.Create(() => new StashSink(100)), burst));

            Console.WriteLine();
            // B/msg: bytes allocated by the whole process during the case (actor creation included) per message.
            Console.WriteLine($"{"case",-42} {"messages",12} {"seconds",9} {"msgs/s",14} {"B/msg",7}");
            foreach (var (name, messages, elapsed, bytes) in rows)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-42} {messages,12:N0} {elapsed.TotalSeconds,9:F3} {messages / elapsed.TotalSeconds,14:N0} {(double)bytes / messages,7:F1}"));
            }

            var asks = (int)(100_000 * scale);
            var latencies = await AskLatency(system, asks);
            Console.WriteLine();
            Console.WriteLine($"Ask round trip, awaited on the thread pool ({asks:N0} sequential asks to an echo actor, after warm-up):");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p50 {Percentile(latencies, 0.50):F1} µs   p90 {Percentile(latencies, 0.90):F1} µs   p99 {Percentile(latencies, 0.99):F1} µs   max {latencies[^1]:F1} µs"));
            var blocking = AskLatencyFromDedicatedThread(system, asks);
            Console.WriteLine($"Ask round trip from a dedicated (non-pool) thread blocking on each reply ({asks:N0} asks):");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  p50 {Percentile(blocking, 0.50):F1} µs   p90 {Percentile(blocking, 0.90):F1} µs   p99 {Percentile(blocking, 0.99):F1} µs   max {blocking[^1]:F1} µs"));
            Console.WriteLine($"dead letters during the run: {deadLetters.Count}");
            return 0;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static int OptionValue(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        if (i < 0) return fallback;
        return i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : -1;
    }

    private static async Task<TimeSpan> PingPong(ActorSystem system, int pairs, int inFlight, long roundTrips)
    {
        var done = new Task[pairs];
        var starters = new IActorRef[pairs];
        var pongers = new IActorRef[pairs];
        for (var i = 0; i < pairs; i++)
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var ponger = pongers[i] = system.ActorOf(Props.Create(() => new Ponger()));
            starters[i] = system.ActorOf(Props.Create(() => new Pinger(ponger, roundTrips, inFlight, completion)));
            done[i] = completion.Task;
        }

        var start = Stopwatch.GetTimestamp();
        foreach (var pinger in starters)
        {
            pinger.Tell(Pinger.Start);
        }

        await Task.WhenAll(done);
        var elapsed = Stopwatch.GetElapsedTime(start);
        foreach (var actor in starters.Concat(pongers))
        {
            system.Stop(actor);
        }

        return elapsed;
    }

    private static async Task<TimeSpan> FanIn(ActorSystem system, int senders, long perSender)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = system.ActorOf(Props.Create(() => new CountingSink()));
        var actors = new IActorRef[senders];
        for (var i = 0; i < senders; i++)
        {
            actors[i] = system.ActorOf(Props.Create(() => new BurstSender(sink, perSender, null)));
        }

        var start = Stopwatch.GetTimestamp();
        foreach (var sender in actors)
        {
            sender.Tell(BurstSender.Go);
        }

        sink.Tell(new CountingSink.Expect(senders * perSender, completion));
        await completion.Task;
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(sink);
        foreach (var sender in actors)
        {
            system.Stop(sender);
        }

        return elapsed;
    }

    /// <summary>One sender bursting <paramref name="count"/> messages to a receiver made from <paramref name="sinkProps"/>,
    /// which answers <see cref="BurstSender.Done"/> after the last one.</summary>
    private static async Task<TimeSpan> Burst(ActorSystem system, Props sinkProps, long count)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = system.ActorOf(sinkProps);
        var sender = system.ActorOf(Props.Create(() => new BurstSender(sink, count, completion)));
        var start = Stopwatch.GetTimestamp();
        sender.Tell(BurstSender.Go);
        await completion.Task;
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(sink);
        system.Stop(sender);
        return elapsed;
    }

    private static async Task<double[]> AskLatency(ActorSystem system, int count)
    {
        var echo = system.ActorOf(Props.Create(() => new Ponger()));
        var timeout = TimeSpan.FromSeconds(10);
        for (var i = 0; i < 20_000; i++)
        {
            await echo.Ask<object>(Ponger.Ball, timeout);
        }

        var micros = new double[count];
        for (var i = 0; i < count; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await echo.Ask<object>(Ponger.Ball, timeout);
            micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }

        Array.Sort(micros);
        system.Stop(echo);
        return micros;
    }

    /// <summary>The caller waits on another thread than the actors run on: includes a cross-thread wake-up each way.</summary>
    private static double[] AskLatencyFromDedicatedThread(ActorSystem system, int count)
    {
        var echo = system.ActorOf(Props.Create(() => new Ponger()));
        var timeout = TimeSpan.FromSeconds(10);
        var micros = new double[count];
        var thread = new Thread(() =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                echo.Ask<object>(Ponger.Ball, timeout).GetAwaiter().GetResult();
            }

            for (var i = 0; i < count; i++)
            {
                var start = Stopwatch.GetTimestamp();
                echo.Ask<object>(Ponger.Ball, timeout).GetAwaiter().GetResult();
                micros[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
            }
        });
        thread.Start();
        thread.Join();
        Array.Sort(micros);
        system.Stop(echo);
        return micros;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];

    /// <summary>Answers every message with the same ball (no allocation per message).</summary>
    private sealed class Ponger : ActorBase
    {
        public static readonly object Ball = new();

        protected override bool Receive(object message)
        {
            Sender.Tell(Ball, Self);
            return true;
        }
    }

    /// <summary>Keeps <c>inFlight</c> balls bouncing until <c>roundTrips</c> replies came back.</summary>
    private sealed class Pinger(IActorRef ponger, long roundTrips, int inFlight, TaskCompletionSource done) : ActorBase
    {
        public static readonly object Start = new();
        private long _sent;
        private long _received;

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Start))
            {
                var first = Math.Min(inFlight, roundTrips);
                for (var i = 0; i < first; i++)
                {
                    ponger.Tell(Ponger.Ball, Self);
                }

                _sent = first;
                return true;
            }

            _received++;
            if (_sent < roundTrips)
            {
                _sent++;
                ponger.Tell(Ponger.Ball, Self);
            }
            else if (_received == roundTrips)
            {
                done.TrySetResult();
            }

            return true;
        }
    }

    /// <summary>Sends its whole burst in chunks of 1,000 (re-telling itself) so it shares the threads fairly; with
    /// <c>done</c>, ends with <see cref="Done"/> to the sink and completes <c>done</c> on the sink's answer.</summary>
    private sealed class BurstSender(IActorRef sink, long count, TaskCompletionSource? done) : ActorBase
    {
        public static readonly object Go = new();
        public static readonly object Done = new();
        private static readonly object Item = new();
        private long _sent;

        protected override bool Receive(object message)
        {
            if (ReferenceEquals(message, Done))
            {
                done?.TrySetResult();
                return true;
            }

            var end = Math.Min(count, _sent + 1_000);
            for (; _sent < end; _sent++)
            {
                sink.Tell(Item, Self);
            }

            if (_sent < count)
            {
                Self.Tell(Go, Self);
            }
            else if (done is not null)
            {
                sink.Tell(Done, Self);
            }

            return true;
        }
    }

    /// <summary>Counts; completes the awaited <see cref="Expect"/> when the count is reached; answers <see cref="BurstSender.Done"/>.</summary>
    private sealed class CountingSink : ActorBase
    {
        private long _count;
        private Expect? _expect;

        public sealed record Expect(long Count, TaskCompletionSource Done);

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case Expect e:
                    _expect = e;
                    break;
                case var _ when ReferenceEquals(message, BurstSender.Done):
                    Sender.Tell(BurstSender.Done, Self);
                    return true;
                default:
                    _count++;
                    break;
            }

            if (_expect is not null && _count == _expect.Count)
            {
                _expect.Done.TrySetResult();
            }

            return true;
        }
    }

    /// <summary>Switches between two <c>ReceiveActor</c> behaviours on every message, as the Raft actor does per role
    /// change (each <c>Become</c> rebuilds the handler table).</summary>
    private sealed class ReceiveBecomeSink : ReceiveActor
    {
        public ReceiveBecomeSink() => Even();

        private void Even()
        {
            // Typed handlers before the catch-all, as a role has: Become registers them all again.
            Receive<string>(_ => { });
            Receive<TimeSpan>(_ => { });
            ReceiveAny(m =>
            {
                if (ReferenceEquals(m, BurstSender.Done)) Sender.Tell(m, Self);
                else Become(Odd);
            });
        }

        private void Odd()
        {
            // Typed handlers before the catch-all, as a role has: Become registers them all again.
            Receive<string>(_ => { });
            Receive<TimeSpan>(_ => { });
            ReceiveAny(m =>
            {
                if (ReferenceEquals(m, BurstSender.Done)) Sender.Tell(m, Self);
                else Become(Even);
            });
        }
    }

    /// <summary>Switches between two <c>UntypedActor</c> receive delegates on every message.</summary>
    private sealed class UntypedBecomeSink : UntypedActor
    {
        private readonly UntypedReceive odd;
        private readonly UntypedReceive even;

        public UntypedBecomeSink()
        {
            odd = m => Handle(m, even!);
            even = m => Handle(m, odd);
        }

        protected override void OnReceive(object message) => Handle(message, odd);

        private void Handle(object message, UntypedReceive next)
        {
            if (ReferenceEquals(message, BurstSender.Done)) Sender.Tell(message, Self);
            else Become(next);
        }
    }

    /// <summary>Stashes messages in runs of <c>run</c>, then unstashes and counts them all (a Raft actor stashes client
    /// requests while it has no leader): each message is handled twice.</summary>
    private sealed class StashSink : ReceiveActor, IWithUnboundedStash
    {
        private readonly int run;
        private int pending;

        public StashSink(int run)
        {
            this.run = run;
            Buffering();
        }

        public IStash Stash { get; set; } = null!;

        private void Buffering() =>
            ReceiveAny(m =>
            {
                if (ReferenceEquals(m, BurstSender.Done))
                {
                    Sender.Tell(m, Self);
                    return;
                }

                Stash.Stash();
                if (++pending == run)
                {
                    Become(Draining);
                    Stash.UnstashAll();
                }
            });

        private void Draining() =>
            ReceiveAny(_ =>
            {
                if (--pending == 0) Become(Buffering);
            });
    }

    /// <summary>Counts dead letters (Akka has no counter of its own).</summary>
    private sealed class DeadLetterCount
    {
        private long count;

        public long Count => Interlocked.Read(ref count);

        public void Increment() => Interlocked.Increment(ref count);
    }

    private sealed class DeadLetterCounter : ReceiveActor
    {
        public DeadLetterCounter(DeadLetterCount count) => Receive<DeadLetter>(_ => count.Increment());
    }
}
