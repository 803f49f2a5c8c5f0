using DistSync.Actors;
using DistSync.Actors.Remote;
using DistSync.Persistence;
using DistSync.Raft.Hosting.Wire;
using Microsoft.Extensions.Configuration;

namespace DistSync.Raft.Hosting;

/// <summary>
/// Raft on one node: the router at <c>/system/raft</c> and the meta group (group 0) with its persisted log.
/// Start it once per node with <see cref="StartAsync"/> after remoting; see RAFT-HOST-API.md.
/// </summary>
public sealed class RaftHost : IAsyncDisposable
{
    /// <summary>The meta group's id.</summary>
    public const int MetaGroupId = 0;

    private readonly ActorSystem system;
    private int disposed;

    private readonly RaftGroupState metaState;

    private RaftHost(ActorSystem system, IActorRef router, RaftGroup meta, RaftGroupState metaState, RaftHostSettings settings, ulong raftId)
    {
        this.metaState = metaState;
        this.system = system;
        Router = router;
        Meta = meta;
        Settings = settings;
        RaftId = raftId;
    }

    /// <summary>Group 0: membership, locks, broadcast, the replicated KV.</summary>
    public IRaftGroup Meta { get; }

    /// <summary>The concrete meta group (same object as <see cref="Meta"/>).</summary>
    public RaftGroup MetaGroup => (RaftGroup)Meta;

    public IActorRef Router { get; }

    public RaftHostSettings Settings { get; }

    /// <summary>This node's Raft id (<see cref="RaftIds.FromNodeId"/>).</summary>
    public ulong RaftId { get; }

    public static async Task<RaftHost> StartAsync(ActorSystem system, RemoteActorRefProvider remoting, IConfiguration? config, RaftHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(remoting);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeId);
        ArgumentNullException.ThrowIfNull(options.StateMachineFactory);
        var settings = options.Settings ?? RaftHostSettings.FromConfiguration(config);
        settings.Validate();

        RaftMessageIds.Register(remoting.Registry);
        var persistence = options.Persistence ?? TryGetPersistence(system)
            ?? await PersistenceExtension.StartAsync(system, PersistenceSettings.FromConfiguration(config)).ConfigureAwait(false);
        RaftMessageIds.Register(persistence.Serializers);

        var self = new MemberInfo { NodeId = options.NodeId, RemoteAddress = remoting.LocalAddress.ToString(), HttpEndpoint = options.HttpEndpoint };
        ulong raftId = RaftIds.FromNodeId(options.NodeId);
        int seed = options.RandomSeed ?? (int)(raftId ^ (raftId >> 32));
        var router = system.SystemActorOf(Props.Create(() => new RaftRouter()), RaftRouter.Name);
        var state = new RaftGroupState(MetaGroupId, options.NodeId);
        var initial = options.InitialMembers;
        var seeds = options.Seeds;
        var factory = options.StateMachineFactory;
        bool join = options.Join;
        var props = Props.Create(() => new RaftActor(MetaGroupId, self, settings, initial, join, seeds, factory, state, seed));
        var actor = await router.Ask<IActorRef>(new StartGroup(MetaGroupId, props), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var meta = new RaftGroup(MetaGroupId, options.NodeId, actor, state, settings.TickInterval);
        // requests still queued when the system goes down would never be answered: fail them
        _ = system.WhenTerminated.ContinueWith(_ => state.MarkStopped(), TaskScheduler.Default);
        return new RaftHost(system, router, meta, state, settings, raftId);
    }

    private static PersistenceExtension? TryGetPersistence(ActorSystem system)
    {
        try
        {
            return PersistenceExtension.Get(system);
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Stops the router and its groups (pending requests fail with <see cref="RaftUnavailableException"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        if (!system.IsTerminating) system.Stop(Router);
        metaState.MarkStopped();
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
