using System.Diagnostics;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Configuration;
using DistSync.Bench.Wire;
using DistSync.Cluster.Serialization;
using Google.Protobuf;

namespace DistSync.Bench;

/// <summary>
/// Two actor systems in this process talking over Akka.Remote (DotNetty TCP on loopback) with the node's wire
/// serializer, and the measured cases of <see cref="RemoteBench"/> between them: senders on A, receivers on B.
/// </summary>
internal sealed class RemoteBenchPair : IAsyncDisposable
{
    private const Akka.Event.LogLevel ErrorLevel = Akka.Event.LogLevel.ErrorLevel;

    private readonly ActorSystem a;
    private readonly ActorSystem b;
    private readonly Address addressB;
    private readonly string dispatcher;
    private int actorSerial;

    private RemoteBenchPair(ActorSystem a, ActorSystem b)
    {
        this.a = a;
        this.b = b;
        addressB = ((ExtendedActorSystem)b).Provider.DefaultAddress;
        dispatcher = a.Settings.Config.GetString("dsync-bench.actor-dispatcher", "");
    }

    /// <summary>Starts A and B with <paramref name="hocon"/> (base, wire bindings, profile, overrides in that order:
    /// later keys win) and, for the cluster provider, forms a two-member cluster.</summary>
    public static async Task<RemoteBenchPair> StartAsync(string hocon, bool cluster)
    {
        var registry = RemoteBenchMessages.CreateRegistry();
        var config = ConfigurationFactory.ParseString(hocon + "\n" + WireSerialization.Config(registry));
        ActorSystem Create(string name) =>
            ActorSystem.Create(name, BootstrapSetup.Create().WithConfig(config).And(new WireRegistrySetup(registry)));
        // One system name for both, as in the node (a cluster only admits members of its own name); the ports differ.
        var a = Create("dsync-bench");
        var b = Create("dsync-bench");
        if (cluster)
        {
            var seed = ((ExtendedActorSystem)a).Provider.DefaultAddress;
            var up = new[] { MemberUp(a), MemberUp(b) };
            Akka.Cluster.Cluster.Get(a).Join(seed);
            Akka.Cluster.Cluster.Get(b).Join(seed);
            await Task.WhenAll(up).WaitAsync(TimeSpan.FromSeconds(30));
        }
        return new RemoteBenchPair(a, b);
    }

    private static Task MemberUp(ActorSystem system)
    {
        var up = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Akka.Cluster.Cluster.Get(system).RegisterOnMemberUp(() => up.TrySetResult());
        return up.Task;
    }

    /// <summary>What one case measured over its steady-state window.</summary>
    public sealed record CaseResult(long Messages, double Seconds, double CpuSeconds, long AllocatedBytes, int Gen2)
    {
        public double PerSecond => Messages / Seconds;
    }

    /// <summary>One-way: <paramref name="pairs"/> sender/sink pairs, payloads of <paramref name="payloadBytes"/>.</summary>
    public Task<CaseResult> OneWayAsync(int pairs, int payloadBytes, int window, int ackEvery, TimeSpan warm, TimeSpan measure)
    {
        var payload = ByteString.CopyFrom(new byte[payloadBytes]);
        return RunAsync(pairs, warm, measure,
            () => Props.Create(() => new RemoteBenchActors.CountingSink(ackEvery)),
            (target, flow) => Props.Create(() => new RemoteBenchActors.OneWaySender(target, payload, window, ackEvery, flow)));
    }

    /// <summary>Raft-like: <paramref name="groups"/> leader/follower pairs, appends of <paramref name="entries"/> entries.</summary>
    public Task<CaseResult> RaftLikeAsync(int groups, int entries, int entryBytes, int window, TimeSpan warm, TimeSpan measure) =>
        RunAsync(groups, warm, measure,
            () => Props.Create(() => new RemoteBenchActors.Follower()),
            (target, flow) => Props.Create(() => new RemoteBenchActors.Leader(target, entries, entryBytes, window, flow)));

    /// <summary>Sequential remote Asks (one in flight) after <paramref name="warmup"/> unmeasured ones; sorted µs.</summary>
    public async Task<double[]> AskLatenciesAsync(int count, int warmup)
    {
        var (local, echo) = await LocalAndRemoteAsync(Props.Create(() => new RemoteBenchActors.Echo()));
        var timeout = TimeSpan.FromSeconds(10);
        var ping = new BenchPing { Id = 1 };
        for (var i = 0; i < warmup; i++) await echo.Ask<BenchPing>(ping, timeout);
        var micros = new double[count];
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await echo.Ask<BenchPing>(ping, timeout);
            micros[i] = Stopwatch.GetElapsedTime(started).TotalMicroseconds;
        }
        Array.Sort(micros);
        b.Stop(local);
        return micros;
    }

    private async Task<CaseResult> RunAsync(int pairs, TimeSpan warm, TimeSpan measure, Func<Props> receiver, Func<IActorRef, RemoteBenchActors.Flow, Props> sender)
    {
        var flows = new RemoteBenchActors.Flow[pairs];
        var senders = new IActorRef[pairs];
        var receivers = new IActorRef[pairs];
        for (var i = 0; i < pairs; i++)
        {
            flows[i] = new RemoteBenchActors.Flow();
            var (local, remote) = await LocalAndRemoteAsync(receiver());
            receivers[i] = local;
            senders[i] = a.ActorOf(WithDispatcher(sender(remote, flows[i])), $"sender-{Interlocked.Increment(ref actorSerial)}");
        }
        foreach (var s in senders) s.Tell(new RemoteBenchActors.Go());

        await Task.Delay(warm);
        var process = Process.GetCurrentProcess();
        var (t0, acked0, cpu0, alloc0, gen20) = (Stopwatch.GetTimestamp(), flows.Sum(f => f.Acked), process.TotalProcessorTime, GC.GetTotalAllocatedBytes(false), GC.CollectionCount(2));
        await Task.Delay(measure);
        process.Refresh();
        var (acked1, seconds, cpu1, alloc1, gen21) = (flows.Sum(f => f.Acked), Stopwatch.GetElapsedTime(t0).TotalSeconds, process.TotalProcessorTime, GC.GetTotalAllocatedBytes(false), GC.CollectionCount(2));

        foreach (var f in flows) f.Stop();
        await Task.WhenAll(flows.Select(f => f.Drained.Task)).WaitAsync(TimeSpan.FromSeconds(120));
        foreach (var s in senders) a.Stop(s);
        foreach (var r in receivers) b.Stop(r);
        return new CaseResult(acked1 - acked0, seconds, (cpu1 - cpu0).TotalSeconds, alloc1 - alloc0, gen21 - gen20);
    }

    /// <summary>Creates an actor on B; its local ref there and a ref to it resolved on A (the association is up then).</summary>
    private async Task<(IActorRef Local, IActorRef Remote)> LocalAndRemoteAsync(Props props)
    {
        var name = $"receiver-{Interlocked.Increment(ref actorSerial)}";
        var local = b.ActorOf(WithDispatcher(props), name);
        var remote = await a.ActorSelection($"{addressB}/user/{name}").ResolveOne(TimeSpan.FromSeconds(15));
        return (local, remote);
    }

    private Props WithDispatcher(Props props) => dispatcher.Length == 0 ? props : props.WithDispatcher(dispatcher);

    public async ValueTask DisposeAsync()
    {
        // Each side logs the other's going away as a Disassociated error: expected here, so not shown. A level past
        // ErrorLevel unsubscribes the loggers from every level.
        a.EventStream.SetLogLevel(ErrorLevel + 1);
        b.EventStream.SetLogLevel(ErrorLevel + 1);
        await a.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        await b.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
    }
}
