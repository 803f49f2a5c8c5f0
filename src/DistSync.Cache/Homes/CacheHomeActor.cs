using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Sharding;
using Akka.Event;
using DistSync.Cache.Messages;
using DistSync.Cache.Wire;

namespace DistSync.Cache.Homes;

/// <summary>
/// The home directory entry of one key (sharded entity type <see cref="CacheHomes.TypeName"/>, placed by the hash
/// ring): which nodes hold a copy, which one owns it (E or M), the clean value while only S copies exist, and the
/// highest fencing token seen per resource. It serializes the key's requests: one operation at a time
/// (<see cref="Ready"/> / <see cref="Busy"/>, later requests stashed), each a round of recalls to node caches followed
/// by at most one backing-store call, answered only when every recall is acknowledged.
/// <para>Soft state. A new incarnation (first use, a move, a lost node) starts by recalling the key from every node,
/// dirty copies writing back: the conservative rebuild, after which the next read goes to the KV. A node that becomes
/// unreachable is dropped from the directory; its dirty copy falls back to the last written-back value.</para>
/// </summary>
public sealed partial class CacheHomeActor : ReceiveActor, IWithStash, IWithTimers
{
    private const string OperationTimer = "operation";

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly string key;
    private readonly ICacheStore store;
    private readonly CacheSettings settings;
    private readonly CacheStats stats;
    private readonly Akka.Cluster.Cluster cluster;
    private readonly Address selfAddress;
    private readonly Dictionary<Address, HomeHolder> holders = [];
    private readonly Dictionary<string, long> fences = new(StringComparer.Ordinal);
    private readonly HashSet<Address> lost = [];
    private readonly Dictionary<Address, ActorSelection> caches = [];
    private readonly Func<IActorRef> homes;
    private readonly string incarnation = Guid.NewGuid().ToString("N");
    // The value every S copy holds, known while there is no owner and at least one sharer.
    private StoredValue? clean;
    private HomeOperation? current;
    private ulong nextOp;

    public CacheHomeActor(string key, ICacheStore store, CacheSettings settings, CacheStats stats, Func<IActorRef> homes)
    {
        this.key = key;
        this.homes = homes;
        this.store = store;
        this.settings = settings;
        this.stats = stats;
        cluster = Akka.Cluster.Cluster.Get(Context.System);
        selfAddress = cluster.SelfAddress;
        Busy();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    /// <param name="homes">The region (or local double) that routes to homes: requests still stashed when this home
    /// stops are sent there again, to reach the key's next home.</param>
    public static Props PropsFor(string key, ICacheStore store, CacheSettings settings, CacheStats stats, Func<IActorRef> homes) =>
        Props.Create(() => new CacheHomeActor(key, store, settings, stats, homes));

    protected override void PreStart()
    {
        cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.ReachableMember), typeof(ClusterEvent.MemberRemoved));
        stats.HomeRebuilt();
        StartRebuild();
    }

    protected override void PostStop()
    {
        cluster.Unsubscribe(Self);
        if (current is { } op && op.Requester != ActorRefs.Nobody)
            Refuse(op, CacheFailure.Unavailable, $"the home of cache key '{key}' stopped");
    }

    private void Ready()
    {
        Receive<HomeRead>(StartRead);
        Receive<HomeWrite>(StartWrite);
        Receive<HomeInvalidate>(_ => StartInvalidate());
        Receive<HomeUpgraded>(OnUpgraded);
        Receive<HomeDropped>(OnDropped);
        Receive<Reinvalidate>(StartReinvalidate);
        Receive<CacheHomeHandOff>(_ => StartHandOff());
        Receive<RecallAck>(ApplyLateAck);
        Receive<OperationTimedOut>(_ => { });
        Receive<StoreDone>(_ => { });
        Receive<ReceiveTimeout>(_ =>
        {
            // idle with nothing to track: passivate (the shard buffers the key's messages until a new home starts)
            if (holders.Count == 0) Context.Parent.Tell(new Passivate(CacheHomeHandOff.Instance));
        });
        ReceiveClusterEvents();
    }

    private void Busy()
    {
        Receive<RecallAck>(OnRecallAck);
        Receive<OperationTimedOut>(OnOperationTimedOut);
        Receive<StoreDone>(d =>
        {
            if (current is { } op && d.OpId == op.Id) op.AfterStore(d);
        });
        ReceiveClusterEvents();
        ReceiveAny(_ => Stash.Stash());
    }

    private void ReceiveClusterEvents()
    {
        Receive<ClusterEvent.UnreachableMember>(m => DropNode(m.Member.Address, mayReturn: true));
        Receive<ClusterEvent.MemberRemoved>(m => DropNode(m.Member.Address, mayReturn: false));
        Receive<ClusterEvent.ReachableMember>(m =>
        {
            if (lost.Remove(m.Member.Address)) Self.Tell(new Reinvalidate(m.Member.Address));
        });
    }

    private void OnUpgraded(HomeUpgraded m)
    {
        var node = Normalize(Sender.Path.Address);
        if (holders.TryGetValue(node, out var h) && h.LineId == m.LineId && h.Owner) clean = null;
    }

    private void OnDropped(HomeDropped m)
    {
        var node = Normalize(Sender.Path.Address);
        if (holders.TryGetValue(node, out var h) && (h.LineId == m.LineId || h.Unknown)) Remove(node);
        Send(Sender, new LineDroppedAck { Key = key, LineId = m.LineId });
        UpdateIdleTimeout();
    }

    /// <summary>A node is unreachable or removed: forget its copy, and stop waiting for its answer.</summary>
    private void DropNode(Address node, bool mayReturn)
    {
        if (node == selfAddress) return;
        if (holders.ContainsKey(node))
        {
            if (holders[node].Owner) log.Warning("cache home {0}: owner {1} dropped; the key falls back to the last written-back value", key, node);
            Remove(node);
            if (mayReturn) lost.Add(node);
        }
        if (!mayReturn) lost.Remove(node);
        if (current is { } op && op.Waiting.Remove(node))
        {
            op.Acks.Add((node, ActorRefs.Nobody, new RecallAck { Key = key, OpId = op.Id, Held = false, StateAfter = LineStateWire.LineInvalid }));
            if (op.Waiting.Count == 0) FinishRecalls(op);
        }
    }

    /// <summary>An answer to a recall of an operation that is over (it timed out): record what the node holds now.</summary>
    private void ApplyLateAck(RecallAck ack)
    {
        var node = Normalize(Sender.Path.Address);
        if (!holders.TryGetValue(node, out var h) || (!h.Unknown && h.LineId != ack.LineId)) return;
        ApplyAck(node, Sender, ack);
        UpdateIdleTimeout();
    }

    private void ApplyAck(Address node, IActorRef from, RecallAck ack)
    {
        switch (ack.StateAfter)
        {
            case LineStateWire.LineInvalid:
                Remove(node);
                break;
            case LineStateWire.LineShared:
                holders[node] = new HomeHolder(from, ack.LineId, Owner: false);
                break;
            default:
                // E, or M kept because its write-back failed: it owns the only current value
                holders[node] = new HomeHolder(from, ack.LineId, Owner: true);
                clean = null;
                break;
        }
    }

    private void Remove(Address node)
    {
        holders.Remove(node);
        if (holders.Count == 0) clean = null;
    }

    private void UpdateIdleTimeout() => SetReceiveTimeout(holders.Count == 0 ? settings.HomeIdleTimeout : null);

    private Address Normalize(Address address) => address.Host is null ? selfAddress : address;

    private void Send(IActorRef to, object message)
    {
        stats.MessageSent();
        to.Tell(message, Self);
    }

    private ActorSelection CacheAt(Address node)
    {
        if (!caches.TryGetValue(node, out var selection))
        {
            selection = node == selfAddress
                ? Context.ActorSelection("/user/" + NodeCache.Name)
                : Context.ActorSelection(new RootActorPath(node) / "user" / NodeCache.Name);
            caches[node] = selection;
        }
        return selection;
    }
}
