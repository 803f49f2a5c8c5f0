using Akka.Actor;
using Akka.Event;
using DistSync.Cluster;
using DistSync.Cluster.Placement;
using DistSync.Node.Meta;
using DistSync.Queues.Catalog.Wire;
using DistSync.Raft;
using DistSync.Raft.Hosting;
using Google.Protobuf;

namespace DistSync.Node.Queues;

/// <summary>
/// Keeps this node's partition replicas in line with the queue catalog, every <c>reconcile-interval</c> and after every
/// catalog change (ARCHITECTURE.md §4-5):
/// <list type="number">
/// <item>hosts the replicas the catalog gives it: a founder of a partition that never moved bootstraps it with the
/// founding list; anyone else joins through the current replicas (learner, promoted once caught up), so a replica
/// moves by Raft membership change only, never by copying outside Raft;</item>
/// <item>stops, and purges the log of, a replica the catalog took away (the move removed it from the group first);</item>
/// <item>as leader of a partition being moved: once every target replica votes, removes the others one by one
/// (handing leadership to a target replica before removing itself), then records the move in the catalog;</item>
/// <item>on the meta leader: plans moves when the meta group's voters changed (the hash ring's successors of a
/// partition differ from its replicas), at most <c>max-concurrent-moves</c> at a time.</item>
/// </list>
/// All work is asynchronous (piped back as <see cref="StepDone"/>); one step per partition at a time.
/// </summary>
public sealed class QueueReplicaManager : ReceiveActor, IWithTimers
{
    public const string Name = "queue-replicas";

    private readonly RaftHost raft;
    private readonly QueueCatalogView view;
    private readonly QueueSettings settings;
    private readonly string selfId;
    private readonly Func<IRaftStateMachine> stateMachineFactory;
    private readonly QueueMetrics metrics;
    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly HashSet<int> busy = new();
    // moves proposed to the meta group and not yet visible in the catalog: group id -> when proposed
    private readonly Dictionary<int, DateTime> planned = new();
    private Action? onChanged;
    private bool sampling;

    private sealed record Reconcile
    {
        public static readonly Reconcile Instance = new();
    }

    private sealed record StepDone(int GroupId, string What, string? Error);

    private sealed record Sampled;

    public QueueReplicaManager(RaftHost raft, QueueCatalogView view, QueueSettings settings, string selfId, Func<IRaftStateMachine> stateMachineFactory, QueueMetrics metrics)
    {
        this.raft = raft;
        this.view = view;
        this.settings = settings;
        this.selfId = selfId;
        this.stateMachineFactory = stateMachineFactory;
        this.metrics = metrics;
        Receive<Reconcile>(_ => ReconcileNow());
        Receive<StepDone>(done =>
        {
            busy.Remove(done.GroupId);
            if (done.Error is not null) log.Warning("queue partition group {0}: {1} failed: {2} (retried at the next reconcile)", done.GroupId, done.What, done.Error);
            else log.Debug("queue partition group {0}: {1}", done.GroupId, done.What);
        });
        Receive<Sampled>(_ => { sampling = false; }); // a block: "_ => sampling = false" would be a Func<T, bool> returning false, i.e. unhandled
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        var self = Self;
        onChanged = () => self.Tell(Reconcile.Instance);
        view.Changed += onChanged;
        Timers.StartPeriodicTimer("reconcile", Reconcile.Instance, settings.ReconcileInterval);
        Self.Tell(Reconcile.Instance);
    }

    protected override void PostStop()
    {
        if (onChanged is not null) view.Changed -= onChanged;
    }

    private void ReconcileNow()
    {
        var snap = view.Current;
        var members = raft.Meta.Status.Members;
        foreach (var (groupId, (queue, p)) in snap.Groups)
        {
            if (busy.Contains(groupId)) continue;
            bool wanted = p.Replicas.Contains(selfId) || p.Target.Contains(selfId);
            var group = raft.TryGetGroup(groupId);
            if (wanted && group is null) Start(queue, p, members);
            else if (!wanted && group is not null) Run(groupId, "removed replica stopped, log purged", ct => raft.StopGroupAsync(groupId, purgeLog: true, ct));
            else if (group is not null && p.Target.Count > 0) DriveMove(p, group);
        }
        if (raft.Meta.Status.Role == "leader") PlanMoves(snap, members);
        Sample(snap);
    }

    private void Start(QueueInfo queue, PartitionInfo p, IReadOnlyList<RaftMemberStatus> members)
    {
        bool founding = p.Generation == 0 && p.Replicas.Contains(selfId);
        var peers = new List<RaftMember>();
        foreach (var id in p.Replicas)
        {
            var address = AddressOf(id, members);
            if (address is null)
            {
                if (founding) return; // a founder's address is not known yet: the founding list must be complete
                continue;
            }
            peers.Add(new RaftMember(id, address));
        }
        var spec = founding
            ? new RaftGroupSpec { GroupId = p.GroupId, InitialMembers = peers, StateMachineFactory = stateMachineFactory }
            : new RaftGroupSpec { GroupId = p.GroupId, Join = true, Seeds = [.. peers.Where(m => m.NodeId != selfId).Select(m => m.RemoteAddress)], StateMachineFactory = stateMachineFactory };
        Run(p.GroupId, $"replica of {queue.Name}/{p.Index} started ({(founding ? "founder" : "joining")})", async ct => await raft.StartGroupAsync(spec, ct).ConfigureAwait(false));
    }

    private void DriveMove(PartitionInfo p, IRaftGroup group)
    {
        var status = group.Status;
        if (status.Role != "leader") return;
        var voters = status.Members.Where(m => m.Kind == "voter").Select(m => m.NodeId).ToHashSet(StringComparer.Ordinal);
        if (!p.Target.All(voters.Contains)) return; // the new replicas are still joining (learners promote themselves)
        var extra = voters.Where(v => !p.Target.Contains(v)).OrderBy(v => v, StringComparer.Ordinal).ToList();
        if (extra.Count == 0)
        {
            var moved = new CatalogCommand { Moved = new PartitionMoved { GroupId = p.GroupId, Replicas = new ReplicaSet { NodeIds = { p.Target } } } };
            Run(p.GroupId, "move recorded in the catalog", async ct => await raft.Meta.ProposeAsync(MetaStateMachine.CatalogCommand(moved), ct).ConfigureAwait(false));
            return;
        }
        var others = extra.Where(v => v != selfId).ToList();
        if (others.Count > 0)
            Run(p.GroupId, $"replica on {others[0]} removed", ct => group.RemoveMemberAsync(others[0], ct));
        else // only this leader is left to remove: hand leadership to a target replica, which then removes this one
            Run(p.GroupId, $"leadership handed to {p.Target[0]} before removing this replica", ct => group.TransferLeaderAsync(p.Target[0], ct));
    }

    private void PlanMoves(QueueCatalogView.Snapshot snap, IReadOnlyList<RaftMemberStatus> members)
    {
        var now = DateTime.UtcNow;
        foreach (var (id, at) in planned.ToList())
            if (now - at > TimeSpan.FromSeconds(10) || snap.Groups.TryGetValue(id, out var g) && g.Partition.Target.Count > 0) planned.Remove(id);
        var voters = members.Where(m => m.Kind == "voter").Select(m => m.NodeId).ToList();
        if (voters.Count == 0) return;
        var ring = HashRing.Create(voters);
        int moving = snap.Groups.Values.Count(g => g.Partition.Target.Count > 0) + planned.Count;
        foreach (var (groupId, (queue, p)) in snap.Groups.OrderBy(g => g.Key))
        {
            if (moving >= settings.MaxConcurrentMoves) return;
            if (p.Target.Count > 0 || planned.ContainsKey(groupId)) continue;
            var desired = QueuePlacement.ReplicasOf(ring, queue.Name, p.Index, settings.ReplicationFactor);
            if (desired.Count == 0 || new HashSet<string>(desired, StringComparer.Ordinal).SetEquals(p.Replicas)) continue;
            var move = new CatalogCommand
            {
                Move = new MovePartition { GroupId = groupId, Target = new ReplicaSet { NodeIds = { desired } }, From = new ReplicaSet { NodeIds = { p.Replicas } } },
            };
            planned[groupId] = now;
            moving++;
            log.Info("queue {0}/{1} (group {2}): moving replicas [{3}] -> [{4}]", queue.Name, p.Index, groupId, string.Join(",", p.Replicas), string.Join(",", desired));
            var meta = raft.Meta;
            meta.ProposeAsync(MetaStateMachine.CatalogCommand(move), new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token)
                .ContinueWith(t => t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException().Message, TaskScheduler.Default)
                .PipeTo(Self, success: error => new StepDone(-1, "move planned", error));
        }
    }

    private void Sample(QueueCatalogView.Snapshot snap)
    {
        if (sampling) return;
        sampling = true;
        var hosted = new List<(string Queue, int Partition, IRaftGroup Group)>();
        foreach (var (groupId, (queue, p)) in snap.Groups)
            if (raft.TryGetGroup(groupId) is { } g) hosted.Add((queue.Name, p.Index, g));
        SampleAsync(hosted).PipeTo(Self, success: () => new Sampled(), failure: _ => new Sampled());
    }

    private async Task SampleAsync(List<(string Queue, int Partition, IRaftGroup Group)> hosted)
    {
        var samples = new List<(string, int, long, long, long)>(hosted.Count);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        foreach (var (queue, index, group) in hosted)
        {
            try
            {
                var s = await ObservedPartitionStateMachine.LocalStatsAsync(group, timeout.Token).ConfigureAwait(false);
                samples.Add((queue, index, s.Ready + s.Delayed, s.InFlight, s.DeadLettered));
            }
            catch (Exception e) when (e is RaftUnavailableException or OperationCanceledException or InvalidCastException)
            {
                // starting or stopping: left out of this sample
            }
        }
        metrics.SetPartitionGauges(samples);
    }

    private void Run(int groupId, string what, Func<CancellationToken, Task> step)
    {
        busy.Add(groupId);
        var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Task.Run(() => step(cts.Token)).ContinueWith(t =>
        {
            cts.Dispose();
            return new StepDone(groupId, what, t.IsCompletedSuccessfully ? null : t.Exception?.GetBaseException().Message ?? "cancelled");
        }, TaskScheduler.Default).PipeTo(Self);
    }

    private Address? AddressOf(string nodeId, IReadOnlyList<RaftMemberStatus> members)
    {
        foreach (var m in members)
            if (m.NodeId == nodeId && NodeAddress.TryParse(m.Address, ((ExtendedActorSystem)Context.System).Provider.DefaultAddress.Protocol, out var a)) return a;
        return null;
    }
}
