using System.Diagnostics;
using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.Serialization;
using Google.Protobuf.WellKnownTypes;
using Serilog.Events;

namespace DistSync.Bench;

/// <summary>
/// Remoting figures between two actor systems over loopback TCP in this process: one-way messages per
/// second (small protobuf messages, a window of messages in flight, acknowledged in batches by the
/// receiver) and remote Ask round-trip latency (one Ask in flight) p50/p99.
/// Args: <c>--quick</c> (fewer messages), <c>--window N</c> (messages in flight, default 20000).
/// Targets (issue 3): at least 300,000 messages/s one way, remote Ask p50 under 200 µs.
/// </summary>
public sealed class RemoteBench : IBenchmark
{
    private const uint BenchMessageTypeId = 60002;
    private const int AckEvery = 1000;

    public string Name => "remote";

    public string Description => "remoting: one-way messages/s between two systems over loopback, remote Ask p50/p99";

    public async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        var window = 20_000;
        var windowIndex = Array.IndexOf(args, "--window");
        if (windowIndex >= 0 && (windowIndex + 1 >= args.Length || !int.TryParse(args[windowIndex + 1], out window) || window < AckEvery))
        {
            Console.Error.WriteLine($"remote: --window needs a number >= {AckEvery}");
            return 2;
        }

        var messages = quick ? 300_000L : 2_000_000L;
        var asks = quick ? 5_000 : 20_000;
        Console.WriteLine($"remote benchmark: {Environment.ProcessorCount} cores, .NET {Environment.Version}, window {window}{(quick ? ", quick" : "")}");

        var (a, remotingA) = await StartAsync("bench-a");
        var (b, remotingB) = await StartAsync("bench-b");
        try
        {
            var counter = new AckCounter();
            var reporter = a.ActorOf(Props.Create(() => new AckReporter(counter)), "reporter");
            b.ActorOf(Props.Create(() => new CountingSink()), "sink");
            b.ActorOf(Props.Create(() => new EchoResponder()), "echo");
            var sink = a.TryResolveActorRef($"{remotingB.LocalAddress}/user/sink")!;
            var echo = a.TryResolveActorRef($"{remotingB.LocalAddress}/user/echo")!;

            // Warm-up: JIT, connection, buffers.
            await OneWay(sink, reporter, counter, 200_000, window);
            await Asks(echo, 2_000);

            var (sent, elapsed) = await OneWay(sink, reporter, counter, messages, window);
            var perSecond = sent / elapsed.TotalSeconds;
            var batching = (double)remotingA.Metrics.MessagesSent / Math.Max(1, remotingA.Metrics.SocketWrites);
            Console.WriteLine($"one-way:   {sent:N0} messages in {elapsed.TotalMilliseconds:N0} ms = {perSecond:N0} msgs/s " +
                              $"(target >= 300,000; {batching:N0} envelopes per socket write on average)");

            var latencies = await Asks(echo, asks);
            Array.Sort(latencies);
            var p50 = Percentile(latencies, 0.50);
            var p99 = Percentile(latencies, 0.99);
            Console.WriteLine($"remote Ask: {asks:N0} sequential asks, p50 {p50:N0} µs, p99 {p99:N0} µs, max {latencies[^1]:N0} µs (target p50 < 200 µs)");
            Console.WriteLine($"drops: outbound queue {remotingA.Metrics.OutboundQueueDrops}, undeliverable on b {remotingB.Metrics.Undeliverable}");
            return 0;
        }
        finally
        {
            await a.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
            await b.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
            await remotingA.DisposeAsync();
            await remotingB.DisposeAsync();
        }
    }

    private static async Task<(ActorSystem System, RemoteActorRefProvider Remoting)> StartAsync(string name)
    {
        var system = ActorSystem.Create(name, logger: DistSyncLogging.CreateLogger(name, LogFormat.Console, LogEventLevel.Warning));
        var registry = MessageTypeRegistry.CreateWithControlMessages();
        registry.Register(BenchMessageTypeId, Int64Value.Parser);
        var remoting = await RemoteActorRefProvider.StartAsync(system, options: new RemotingOptions
        {
            Remote = new RemoteSettings { Host = "127.0.0.1", Port = 0 },
            Registry = registry,
        });
        return (system, remoting);
    }

    /// <summary>Sends <paramref name="count"/> messages keeping at most <paramref name="window"/> unacknowledged.</summary>
    private static async Task<(long Sent, TimeSpan Elapsed)> OneWay(IActorRef sink, IActorRef reporter, AckCounter counter, long count, int window)
    {
        count -= count % AckEvery;
        var start = counter.Acked;
        var clock = Stopwatch.StartNew();
        await Task.Run(() =>
        {
            var spin = new SpinWait();
            for (long i = 1; i <= count; i++)
            {
                while (i - (counter.Acked - start) > window)
                {
                    spin.SpinOnce();
                }

                sink.Tell(new Int64Value { Value = i }, reporter);
            }
        });
        var wait = new SpinWait();
        while (counter.Acked - start < count)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new TimeoutException($"only {counter.Acked - start} of {count} messages acknowledged");
            }

            wait.SpinOnce();
        }

        return (count, clock.Elapsed);
    }

    private static async Task<double[]> Asks(IActorRef echo, int count)
    {
        var latencies = new double[count];
        var message = new Int64Value { Value = 1 };
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await echo.Ask<Int64Value>(message, TimeSpan.FromSeconds(10));
            latencies[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }

        return latencies;
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)(p * sorted.Length))];

    private sealed class AckCounter
    {
        private long _acked;

        public long Acked => Volatile.Read(ref _acked);

        public void Add(long n) => Interlocked.Add(ref _acked, n);
    }

    /// <summary>On the sending system: counts the receiver's batched acknowledgements.</summary>
    private sealed class AckReporter : ReceiveActor
    {
        public AckReporter(AckCounter counter) => Receive<Int64Value>(_ => counter.Add(AckEvery));
    }

    /// <summary>On the receiving system: counts messages and acknowledges every <see cref="AckEvery"/>.</summary>
    private sealed class CountingSink : ReceiveActor
    {
        private long _received;

        public CountingSink() =>
            Receive<Int64Value>(_ =>
            {
                if (++_received % AckEvery == 0)
                {
                    Sender.Tell(new Int64Value { Value = _received }, Self);
                }
            });
    }

    private sealed class EchoResponder : ReceiveActor
    {
        public EchoResponder() => Receive<Int64Value>(m => Sender.Tell(m, Self));
    }
}
