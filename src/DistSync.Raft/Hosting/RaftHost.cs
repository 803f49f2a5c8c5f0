using System.Collections.Concurrent;
using Akka.Actor;
using DistSync.Cluster;
using DistSync.Raft.Hosting.Wire;
using Microsoft.Extensions.Configuration;

namespace DistSync.Raft.Hosting;

/// <summary>
/// Raft on one node: the router at <c>/system/raft</c>, the meta group (group 0) with its persisted log, and any
/// number of further groups (multi-Raft: queue partitions) started and stopped with <see cref="StartGroupAsync"/> and
/// <see cref="StopGroupAsync"/>; all share the node's journal (group commit across groups).
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
    private readonly RaftActorContext context;
    private readonly int seed;
    private readonly ConcurrentDictionary<int, RaftGroup> groups = new();
    // one start or stop at a time per host: a stop and a start of the same group must not interleave
    private readonly SemaphoreSlim lifecycle = new(1, 1);

    private RaftHost(ActorSystem system, IActorRef router, RaftGroup meta, RaftGroupState metaState, RaftHostSettings settings, ulong raftId,
        RaftActorContext context, int seed)
    {
        this.context = context;
        this.seed = seed;
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
        var router = ((ExtendedActorSystem)system).SystemActorOf(Props.Create(() => new RaftRouter(settings.TickInterval)), RaftRouter.Name);
        var state = new RaftGroupState(MetaGroupId, options.NodeId);
        var context = new RaftActorContext(self, settings, options.InitialMembers, options.Join, options.Seeds, options.StateMachineFactory,
            options.JournalPluginId, options.SnapshotPluginId, options.LinkFaults, options.Metrics);
        var props = Props.Create(() => new RaftActor(MetaGroupId, context, state, seed));
        var actor = await router.Ask<IActorRef>(new StartGroup(MetaGroupId, props), TimeSpan.FromSeconds(30)).ConfigureAwait(false);
        var meta = new RaftGroup(MetaGroupId, options.NodeId, actor, state, settings.TickInterval);
        // requests still queued when the system goes down would never be answered: fail them
        _ = system.WhenTerminated.ContinueWith(_ => state.MarkStopped(), TaskScheduler.Default);
        return new RaftHost(system, router, meta, state, settings, raftId, context, seed);
    }

    /// <summary>The groups other than the meta group hosted on this node now.</summary>
    public IReadOnlyCollection<IRaftGroup> Groups => (IReadOnlyCollection<IRaftGroup>)groups.Values;

    /// <summary>The group with this id if this node hosts it (the meta group for 0).</summary>
    public IRaftGroup? TryGetGroup(int groupId) =>
        groupId == MetaGroupId ? Meta : groups.TryGetValue(groupId, out var g) ? g : null;

    /// <summary>
    /// Hosts a replica of group <see cref="RaftGroupSpec.GroupId"/> on this node (idempotent: a hosted group is
    /// returned as is). Its log lives in the node's journal under <c>raft-{group}</c>; a group that was hosted here
    /// before and not purged recovers from it.
    /// </summary>
    public async Task<IRaftGroup> StartGroupAsync(RaftGroupSpec spec, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(spec.StateMachineFactory);
        if (spec.GroupId <= MetaGroupId) throw new ArgumentOutOfRangeException(nameof(spec), "a group id must be > 0 (0 is the meta group)");
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            if (groups.TryGetValue(spec.GroupId, out var hosted) && !hosted.IsStopped) return hosted;
            var state = new RaftGroupState(spec.GroupId, context.Self.NodeId);
            var groupContext = context with
            {
                InitialMembers = spec.InitialMembers,
                Join = spec.Join,
                Seeds = spec.Seeds,
                StateMachineFactory = spec.StateMachineFactory,
            };
            int groupSeed = seed ^ (spec.GroupId * 7919);
            var props = Props.Create(() => new RaftActor(spec.GroupId, groupContext, state, groupSeed));
            var actor = await Router.Ask<IActorRef>(new StartGroup(spec.GroupId, props), TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            var group = new RaftGroup(spec.GroupId, context.Self.NodeId, actor, state, Settings.TickInterval);
            _ = system.WhenTerminated.ContinueWith(_ => state.MarkStopped(), TaskScheduler.Default);
            groups[spec.GroupId] = group;
            return group;
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Stops this node's replica of a group; with <paramref name="purgeLog"/> its journal events and
    /// snapshots are deleted (the replica was removed from the group). Requests in flight fail with
    /// <see cref="RaftUnavailableException"/>. A group not hosted here is a no-op.</summary>
    public async Task StopGroupAsync(int groupId, bool purgeLog, CancellationToken ct = default)
    {
        if (groupId == MetaGroupId) throw new ArgumentOutOfRangeException(nameof(groupId), "the meta group stops with the host");
        await lifecycle.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            await Router.Ask<GroupStopped>(new StopGroup(groupId, purgeLog), TimeSpan.FromSeconds(30), ct).ConfigureAwait(false);
            if (groups.TryRemove(groupId, out var group)) group.MarkStopped();
        }
        finally
        {
            lifecycle.Release();
        }
    }

    /// <summary>Stops the router and its groups (pending requests fail with <see cref="RaftUnavailableException"/>).</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) != 0) return;
        if (!system.WhenTerminated.IsCompleted) system.Stop(Router);
        metaState.MarkStopped();
        foreach (var g in groups.Values) g.MarkStopped();
        await Task.CompletedTask.ConfigureAwait(false);
    }
}
