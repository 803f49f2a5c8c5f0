using System.Diagnostics;
using System.Globalization;
using DistSync.Actors;
using Serilog.Events;

namespace DistSync.Bench;

/// <summary>
/// Local actor runtime figures: ping-pong pairs (1 message in flight per pair, and a batch in flight as in
/// Akka's PingPong benchmark), fan-in (many sender actors to one receiver), and Ask round-trip latency.
/// Args: <c>--quick</c> (fewer messages), <c>--batch N</c> (messages in flight per pair, default 100).
/// </summary>
public sealed class ActorsBench : IBenchmark
{
    public string Name => "actors";

    public string Description => "local actor throughput (ping-pong pairs, fan-in) and Ask latency";

    public async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var batch = 100;
        var batchIndex = Array.IndexOf(args, "--batch");
        if (batchIndex >= 0 && (batchIndex + 1 >= args.Length || !int.TryParse(args[batchIndex + 1], out batch) || batch < 1))
        {
            Console.Error.WriteLine("actors: --batch needs a positive number");
            return 2;
        }

        var scale = quick ? 0.2 : 1.0;
        Console.WriteLine($"actors benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, throughput per turn 100{(quick ? ", quick" : "")}{LoadAverage()}");
        var system = ActorSystem.Create("bench", logger: DistSyncLogging.CreateLogger("bench", LogFormat.Console, LogEventLevel.Warning));
        try
        {
            var rows = new List<(string Case, long Messages, TimeSpan Elapsed, long Bytes)>();

            // Warm-up: JIT and thread pool.
            await PingPong(system, 2, batch, (long)(200_000 * scale));

            foreach (var pairs in new[] { 1, 2, 4, 8 })
            {
                var roundTrips = (long)(400_000 * scale / Math.Sqrt(pairs));
                var bytes = GC.GetTotalAllocatedBytes(true);
                var elapsed = await PingPong(system, pairs, 1, roundTrips);
                rows.Add(($"ping-pong {pairs} pair(s), 1 in flight", 2 * roundTrips * pairs, elapsed, GC.GetTotalAllocatedBytes(true) - bytes));
            }

            foreach (var pairs in new[] { 1, 2, 4, 8 })
            {
                var roundTrips = (long)(4_000_000 * scale / pairs);
                var bytes = GC.GetTotalAllocatedBytes(true);
                var elapsed = await PingPong(system, pairs, batch, roundTrips);
                rows.Add(($"ping-pong {pairs} pair(s), {batch} in flight", 2 * roundTrips * pairs, elapsed, GC.GetTotalAllocatedBytes(true) - bytes));
            }

            foreach (var senders in new[] { 2, 8 })
            {
                var perSender = (long)(4_000_000 * scale / senders);
                var bytes = GC.GetTotalAllocatedBytes(true);
                var elapsed = await FanIn(system, senders, perSender);
                rows.Add(($"fan-in {senders} senders -> 1", perSender * senders, elapsed, GC.GetTotalAllocatedBytes(true) - bytes));
            }

            Console.WriteLine();
            // B/msg: bytes allocated by the whole process during the case (actor creation included) per message.
            Console.WriteLine($"{"case",-40} {"messages",12} {"seconds",9} {"msgs/s",14} {"B/msg",7}");
            foreach (var (name, messages, elapsed, bytes) in rows)
            {
                Console.WriteLine($"{name,-40} {messages,12:N0} {elapsed.TotalSeconds,9:F3} {messages / elapsed.TotalSeconds,14:N0} {(double)bytes / messages,7:F1}");
            }

            var asks = (int)(100_000 * scale);
            var latencies = await AskLatency(system, asks);
            Console.WriteLine();
            Console.WriteLine($"Ask round trip, awaited on the thread pool ({asks:N0} sequential asks to an echo actor, after warm-up):");
            Console.WriteLine($"  p50 {Percentile(latencies, 0.50):F1} µs   p90 {Percentile(latencies, 0.90):F1} µs   p99 {Percentile(latencies, 0.99):F1} µs   max {latencies[^1]:F1} µs");
            var blocking = AskLatencyFromDedicatedThread(system, asks);
            Console.WriteLine($"Ask round trip from a dedicated (non-pool) thread blocking on each reply ({asks:N0} asks):");
            Console.WriteLine($"  p50 {Percentile(blocking, 0.50):F1} µs   p90 {Percentile(blocking, 0.90):F1} µs   p99 {Percentile(blocking, 0.99):F1} µs   max {blocking[^1]:F1} µs");
            Console.WriteLine($"dead letters during the run: {system.DeadLetterCount}");
            return 0;
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static async Task<TimeSpan> PingPong(ActorSystem system, int pairs, int inFlight, long roundTrips)
    {
        var done = new Task[pairs];
        var starters = new IActorRef[pairs];
        for (var i = 0; i < pairs; i++)
        {
            var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var ponger = system.ActorOf(Props.Create(() => new Ponger()));
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
        foreach (var pinger in starters)
        {
            system.Stop(pinger);
        }

        return elapsed;
    }

    private static async Task<TimeSpan> FanIn(ActorSystem system, int senders, long perSender)
    {
        var completion = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sink = system.ActorOf(Props.Create(() => new CountingSink(senders * perSender, completion)));
        var actors = new IActorRef[senders];
        for (var i = 0; i < senders; i++)
        {
            actors[i] = system.ActorOf(Props.Create(() => new BurstSender(sink, perSender)));
        }

        var start = Stopwatch.GetTimestamp();
        foreach (var sender in actors)
        {
            sender.Tell(BurstSender.Go);
        }

        await completion.Task;
        var elapsed = Stopwatch.GetElapsedTime(start);
        system.Stop(sink);
        foreach (var sender in actors)
        {
            system.Stop(sender);
        }

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

    /// <summary>The 1-minute load average on Linux, so figures from a busy shared machine can be read as such.</summary>
    private static string LoadAverage()
    {
        try
        {
            var text = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg") : null;
            return text is null ? "" : $", load average {text.Split(' ')[0]}";
        }
        catch (IOException)
        {
            return "";
        }
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

    /// <summary>Sends its whole burst in chunks of 1,000 (re-telling itself) so it shares the threads fairly.</summary>
    private sealed class BurstSender(IActorRef sink, long count) : ActorBase
    {
        public static readonly object Go = new();
        private static readonly object Item = new();
        private long _sent;

        protected override bool Receive(object message)
        {
            var end = Math.Min(count, _sent + 1_000);
            for (; _sent < end; _sent++)
            {
                sink.Tell(Item, Self);
            }

            if (_sent < count)
            {
                Self.Tell(Go, Self);
            }

            return true;
        }
    }

    private sealed class CountingSink(long expected, TaskCompletionSource done) : ActorBase
    {
        private long _count;

        protected override bool Receive(object message)
        {
            if (++_count == expected)
            {
                done.TrySetResult();
            }

            return true;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}");
}
