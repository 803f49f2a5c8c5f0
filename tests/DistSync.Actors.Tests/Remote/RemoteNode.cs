using DistSync.Actors.Remote;
using DistSync.Actors.Remote.FailureDetection;
using DistSync.Actors.Remote.Faults;
using Google.Protobuf.WellKnownTypes;

namespace DistSync.Actors.Tests.Remote;

/// <summary>An actor system with remoting on a free loopback port, for multi-system specs.</summary>
internal sealed class RemoteNode : IAsyncDisposable
{
    /// <summary>Short but load-tolerant detector timing: unreachable after roughly 1.5-2 s of silence.</summary>
    public static readonly FailureDetectorSettings TestDetector = new()
    {
        Threshold = 8.0,
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        AcceptableHeartbeatPause = TimeSpan.FromMilliseconds(1000),
        MinStdDeviation = TimeSpan.FromMilliseconds(100),
        MaxSampleSize = 200,
        UnreachableDeathWatchAfter = TimeSpan.FromSeconds(1),
    };

    private RemoteNode(ActorSystem system, RemoteActorRefProvider remoting, CapturingLogSink log)
    {
        System = system;
        Remoting = remoting;
        Log = log;
    }

    public ActorSystem System { get; }

    public RemoteActorRefProvider Remoting { get; }

    public CapturingLogSink Log { get; }

    public Address Address => Remoting.LocalAddress;

    public static async Task<RemoteNode> StartAsync(string name, FaultInjector? faults = null, FailureDetectorSettings? detector = null)
    {
        var log = new CapturingLogSink();
        var system = ActorSystem.Create(name, logger: log.CreateLogger());
        var registry = TransportFixture.CreateRegistry();
        var remoting = await RemoteActorRefProvider.StartAsync(system, options: new RemotingOptions
        {
            Remote = TransportFixture.FastSettings,
            FailureDetector = detector ?? TestDetector,
            Registry = registry,
            Faults = faults,
        });
        return new RemoteNode(system, remoting, log);
    }

    /// <summary>The ref of an actor on <paramref name="other"/> as this node sees it.</summary>
    public IActorRef RefTo(RemoteNode other, string userPath) =>
        System.TryResolveActorRef($"{other.Address}/user/{userPath}") ?? throw new InvalidOperationException("remote path did not resolve");

    public PeerReachability ReachabilityOf(RemoteNode other) =>
        Remoting.Monitor.StatusOf(other.Address)?.Reachability ?? PeerReachability.Joining;

    public async ValueTask DisposeAsync()
    {
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(20));
        await Remoting.DisposeAsync();
    }
}

/// <summary>Answers a StringValue with "echo:" + value to the sender.</summary>
internal sealed class EchoActor : ReceiveActor
{
    public EchoActor()
    {
        Receive<StringValue>(m => Sender.Tell(new StringValue { Value = "echo:" + m.Value }, Self));
        Receive<Int64Value>(m => Sender.Tell(new Int64Value { Value = m.Value + 1 }, Self));
    }
}
