using System.Text;
using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Actors.Remote.Faults;
using DistSync.Actors.Remote.Serialization;
using DistSync.Persistence;
using DistSync.Persistence.InMem;
using DistSync.Persistence.Journal;
using DistSync.Raft.Hosting;
using Serilog.Events;

namespace DistSync.Raft.Tests.Hosting;

/// <summary>One node of a hosted-Raft spec: an actor system "dsync" with remoting on a loopback port, a
/// persistence (sqlite in its own data directory, or inmem) and, once started, a <see cref="RaftHost"/>.</summary>
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

    private HostedNode(string nodeId, ActorSystem system, RemoteActorRefProvider remoting, string? dataDir)
    {
        NodeId = nodeId;
        System = system;
        Remoting = remoting;
        DataDir = dataDir;
    }

    public string NodeId { get; }
    public ActorSystem System { get; }
    public RemoteActorRefProvider Remoting { get; }
    public string? DataDir { get; }
    public RaftHost? Host { get; private set; }
    public Address Address => Remoting.LocalAddress;
    public RaftMember Member => new(NodeId, Address);
    public IRaftGroup Meta => Host?.Meta ?? throw new InvalidOperationException($"raft is not started on {NodeId}");
    public RaftGroupStatus Status => Meta.Status;
    public bool IsStopped => System.IsTerminating;

    /// <summary>The state machine of the current group incarnation (read it only through QueryAsync).</summary>
    public AppendLogStateMachine StateMachine
    {
        get
        {
            lock (machines) return machines[^1];
        }
    }

    /// <param name="journal">a journal to use instead of sqlite/inmem (e.g. a <see cref="GatedJournal"/>), with an in-memory snapshot store</param>
    public static async Task<HostedNode> StartAsync(string nodeId, FaultInjector faults, string? dataDir = null, int port = 0, IJournal? journal = null)
    {
        var level = Environment.GetEnvironmentVariable("DSYNC_TEST_LOGLEVEL") is { Length: > 0 } l ? DistSyncLogging.ParseLevel(l) : LogEventLevel.Warning;
        var logger = DistSyncLogging.CreateLogger(nodeId, LogFormat.Console, level);
        var system = ActorSystem.Create("dsync", logger: logger);
        // registered before remoting starts: an unknown type id would close the connection of an early peer
        var registry = MessageTypeRegistry.CreateWithControlMessages();
        RaftMessageIds.Register(registry);
        var remoting = await RemoteActorRefProvider.StartAsync(system, options: new RemotingOptions
        {
            Remote = new RemoteSettings { Host = "127.0.0.1", Port = port, BackoffMin = TimeSpan.FromMilliseconds(20), BackoffMax = TimeSpan.FromMilliseconds(200) },
            Registry = registry,
            Faults = faults,
        });
        if (journal is not null)
        {
            var settings = new PersistenceSettings { JournalPlugin = PersistencePlugin.InMem, SnapshotStorePlugin = PersistencePlugin.InMem, NodeId = nodeId };
            PersistenceExtension.Start(system, journal, new InMemSnapshotStore(new InMemStorage(), system.Log), settings: settings);
        }
        else if (dataDir is null)
        {
            await PersistenceExtension.StartAsync(system, new PersistenceSettings { JournalPlugin = PersistencePlugin.InMem, SnapshotStorePlugin = PersistencePlugin.InMem, NodeId = nodeId });
        }
        else
        {
            Directory.CreateDirectory(dataDir);
            await PersistenceExtension.StartAsync(system, new PersistenceSettings { NodeId = nodeId, DataDirectory = dataDir });
        }
        return new HostedNode(nodeId, system, remoting, dataDir);
    }

    public async Task StartRaftAsync(IReadOnlyList<RaftMember> initialMembers, RaftHostSettings settings, bool join = false, IReadOnlyList<Address>? seeds = null)
    {
        Host = await RaftHost.StartAsync(System, Remoting, null, new RaftHostOptions
        {
            NodeId = NodeId,
            HttpEndpoint = $"127.0.0.1:{Address.Port + 1000}",
            InitialMembers = initialMembers,
            Join = join,
            Seeds = seeds ?? [],
            Settings = settings,
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

    public async Task StopAsync()
    {
        if (System.IsTerminating)
        {
            await System.WhenTerminated.WaitAsync(TimeSpan.FromSeconds(30));
            return;
        }
        await System.Terminate().WaitAsync(TimeSpan.FromSeconds(30));
        await Remoting.DisposeAsync();
        // close the journal now (not in the background), so a restart on the same files starts clean
        await PersistenceExtension.Get(System).DisposeAsync();
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
