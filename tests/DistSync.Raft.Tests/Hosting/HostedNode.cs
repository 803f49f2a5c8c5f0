using System.Text;
using Akka.Actor;
using Akka.Configuration;
using DistSync.Persistence.Journal;
using DistSync.Raft.Hosting;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>One node of a hosted-Raft spec: an Akka actor system "dsync" with Akka.Remote on a loopback port (the
/// throttler adapters on, for partitions), Akka.Persistence (sqlite in its own data directory, or in memory) and,
/// once started, a <see cref="RaftHost"/>.</summary>
internal sealed class HostedNode : IAsyncDisposable
{
    /// <summary>Short ticks for specs: 20 ms, election after 15-30 ticks (0.3-0.6 s), heartbeat every 2.</summary>
    public static RaftHostSettings FastSettings(long snapshotEvery = 10_000) => new()
    {
        TickInterval = TimeSpan.FromMilliseconds(20),
        ElectionTick = 15,
        HeartbeatTick = 2,
        SnapshotEveryEntries = snapshotEvery,
        LearnerPromotionLag = 10,
        JoinRetryInterval = TimeSpan.FromMilliseconds(200),
    };

    private readonly List<AppendLogStateMachine> machines = new();
    private readonly HostedFaults faults;

    private HostedNode(string nodeId, ActorSystem system, string? dataDir, HostedFaults faults)
    {
        NodeId = nodeId;
        System = system;
        DataDir = dataDir;
        this.faults = faults;
    }

    public string NodeId { get; }
    public ActorSystem System { get; }
    public string? DataDir { get; }
    public RaftHost? Host { get; private set; }
    public Address Address => ((ExtendedActorSystem)System).Provider.DefaultAddress;
    public RaftMember Member => new(NodeId, Address);
    public IRaftGroup Meta => Host?.Meta ?? throw new InvalidOperationException($"raft is not started on {NodeId}");
    public RaftGroupStatus Status => Meta.Status;
    public bool IsStopped => System.WhenTerminated.IsCompleted;

    /// <summary>The state machine of the current group incarnation (read it only through QueryAsync).</summary>
    public AppendLogStateMachine StateMachine
    {
        get
        {
            lock (machines) return machines[^1];
        }
    }

    /// <param name="journal">a journal engine to use instead of sqlite/inmem (e.g. a <see cref="GatedJournal"/>)</param>
    public static Task<HostedNode> StartAsync(string nodeId, HostedFaults faults, string? dataDir = null, int port = 0, IJournal? journal = null)
    {
        if (dataDir is not null) Directory.CreateDirectory(dataDir);
        var (settings, engines) = TestPersistence.For(nodeId, dataDir, journal);
        var setup = RaftSystemSetup.Create(ConfigurationFactory.ParseString(TestAkka.Config(port)), settings, engines: engines);
        var system = ActorSystem.Create("dsync", setup);
        return Task.FromResult(new HostedNode(nodeId, system, dataDir, faults));
    }

    public async Task StartRaftAsync(IReadOnlyList<RaftMember> initialMembers, RaftHostSettings settings, bool join = false, IReadOnlyList<Address>? seeds = null)
    {
        Host = await RaftHost.StartAsync(System, null, new RaftHostOptions
        {
            NodeId = NodeId,
            HttpEndpoint = $"127.0.0.1:{Address.Port + 1000}",
            InitialMembers = initialMembers,
            Join = join,
            Seeds = seeds ?? [],
            Settings = settings,
            LinkFaults = faults.Links,
            StateMachineFactory = () =>
            {
                var sm = new AppendLogStateMachine();
                lock (machines) machines.Add(sm);
                return sm;
            },
        });
    }

    public Task<ReadOnlyMemory<byte>> ProposeAsync(string text, CancellationToken ct) => Meta.ProposeAsync(Encoding.UTF8.GetBytes(text), ct);

    /// <summary>The items applied on this node (a local read on the group's thread).</summary>
    public Task<string[]> LocalItemsAsync(CancellationToken ct) => Meta.QueryAsync(sm => ((AppendLogStateMachine)sm).Items.ToArray(), linearizable: false, ct);

    public Task<string[]> LinearizableItemsAsync(CancellationToken ct) => Meta.QueryAsync(sm => ((AppendLogStateMachine)sm).Items.ToArray(), linearizable: true, ct);

    /// <summary>Terminates the actor system; the journal plugin closes its store with it, so a restart on the same
    /// files starts clean.</summary>
    public async Task StopAsync()
    {
        if (!System.WhenTerminated.IsCompleted) await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        await System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
