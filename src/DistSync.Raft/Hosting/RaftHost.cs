using Akka.Actor;
using DistSync.Cluster;
using DistSync.Raft.Hosting.Wire;
using Microsoft.Extensions.Configuration;

namespace DistSync.Raft.Hosting;

/// <summary>
/// Raft on one node: the router at <c>/system/raft</c> and the meta group (group 0) with its persisted log.
/// Start it once per node with <see cref="StartAsync"/> on an actor system whose serializers know the Raft types
/// (<see cref="RaftMessageIds.Register(DistSync.Cluster.Serialization.MessageTypeRegistry)"/> before the system
/// starts) and whose Akka.Persistence has a journal; see RAFT-HOST-API.md.
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

    public static async Task<RaftHost> StartAsync(ActorSystem system, IConfiguration? config, RaftHostOptions options)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.NodeId);
        ArgumentNullException.ThrowIfNull(options.StateMachineFactory);
        var settings = options.Settings ?? RaftHostSettings.FromConfiguration(config);
        settings.Validate();

        var localAddress = ((ExtendedActorSystem)system).Provider.DefaultAddress;
        var self = new MemberInfo { NodeId = options.NodeId, RemoteAddress = NodeAddress.Format(localAddress), HttpEndpoint = options.HttpEndpoint };
        ulong raftId = RaftIds.FromNodeId(options.NodeId);
        int seed = options.RandomSeed ?? (int)(raftId ^ (raftId >> 32));
        var router = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new RaftRouter()), RaftRouter.Name);
        var state = new RaftGroupState(MetaGroupId, options.NodeId);
        var context = new RaftActorContext(self, settings, options.InitialMembers, options.Join, options.Seeds, options.StateMachineFactory,
            options.JournalPluginId, options.SnapshotPluginId, options.LinkFaults);
        var props = Props.Create(() => new RaftActor(MetaGroupId, context, state, seed));
        var actor = await router.Ask<IActorRef>(new StartGroup(MetaGroupId, props), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var meta = new RaftGroup(MetaGroupId, options.NodeId, actor, state, settings.TickInterval);
        // requests still queued when the system goes down would never be answered: fail them
        _ = system.WhenTerminated.ContinueWith(_ => state.MarkStopped(), TaskScheduler.Default);
        return new RaftHost(system, router, meta, state, settings, raftId);
    }

    /// <summary>Stops the router and its groups (pending requests fail with <see cref="RaftUnavailableException"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        if (!system.WhenTerminated.IsCompleted) system.Stop(Router);
        metaState.MarkStopped();
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
