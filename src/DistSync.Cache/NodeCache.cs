using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using DistSync.Cache.Lines;
using DistSync.Cache.Messages;
using DistSync.Cache.Wire;

namespace DistSync.Cache;

/// <summary>
/// A node's cache at <c>/user/cache</c>: the parent of one <see cref="CacheLineActor"/> per cached key. Hands local reads
/// and writes to the key's line (creating it on first use), forwards the homes' recalls to it (answering "not held"
/// itself when there is none), evicts least recently used lines past <see cref="CacheSettings.Capacity"/> or
/// <see cref="CacheSettings.MaxBytes"/>, and tells its lines when a node becomes unreachable. A key has at most one line
/// here at a time: commands for a key whose line is being evicted wait until it has stopped.
/// </summary>
public sealed class NodeCache : ReceiveActor
{
    public const string Name = "cache";

    private readonly ILoggingAdapter log = Context.GetLogger();
    private readonly ConcurrentDictionary<string, CacheLineView> views;
    private readonly IActorRef homes;
    private readonly ICacheStore store;
    private readonly CacheSettings settings;
    private readonly CacheStats stats;
    private readonly Address selfAddress;
    private readonly Dictionary<string, IActorRef> lines = new(StringComparer.Ordinal);
    private readonly Dictionary<IActorRef, string> keyOf = new();
    private readonly HashSet<string> evicting = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<ReturnedCommand>> parked = new(StringComparer.Ordinal);
    private ulong nextLineId;

    public NodeCache(ConcurrentDictionary<string, CacheLineView> views, IActorRef homes, ICacheStore store, CacheSettings settings, CacheStats stats)
    {
        this.views = views;
        this.homes = homes;
        this.store = store;
        this.settings = settings;
        this.stats = stats;
        selfAddress = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;

        Receive<CacheRead>(m => Deliver(m.Key, m, Sender));
        Receive<CacheWrite>(m => Deliver(m.Key, m, Sender));
        Receive<ReturnedCommand>(OnReturned);
        Receive<Recall>(OnRecall);
        Receive<LineChanged>(_ => EnforceLimits());
        Receive<EvictionAborted>(m => evicting.Remove(m.Key));
        Receive<Terminated>(OnTerminated);
        Receive<ClusterEvent.UnreachableMember>(m => TellLines(new HomeUnreachable(m.Member.Address)));
        Receive<ClusterEvent.MemberRemoved>(m => TellLines(new HomeUnreachable(m.Member.Address)));
        Receive<ClusterEvent.IMemberEvent>(_ => { });
        Receive<ClusterEvent.ReachableMember>(_ => { });
    }

    public static Props PropsFor(ConcurrentDictionary<string, CacheLineView> views, IActorRef homes, ICacheStore store, CacheSettings settings,
        CacheStats stats) =>
        Props.Create(() => new NodeCache(views, homes, store, settings, stats));

    /// <summary>A line that throws is stopped, not restarted: a restarted line would forget its copy while its home still
    /// counts it, and a dirty value cannot be recovered from nothing. The error is logged; the home's next recall
    /// finds "not held".</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(e =>
    {
        log.Error(e, "cache line failed and is stopped");
        return Directive.Stop;
    });

    protected override void PreStart() =>
        Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));

    protected override void PostStop() => Akka.Cluster.Cluster.Get(Context.System).Unsubscribe(Self);

    /// <summary>Lines this node has (including ones being evicted).</summary>
    public int LineCount => lines.Count;

    private void Deliver(string key, object command, IActorRef replyTo)
    {
        if (evicting.Contains(key))
        {
            Park(key, new ReturnedCommand(command, replyTo));
            return;
        }
        LineFor(key).Tell(command, replyTo);
    }

    private void OnReturned(ReturnedCommand m)
    {
        var key = m.Command switch
        {
            CacheRead r => r.Key,
            CacheWrite w => w.Key,
            _ => null,
        };
        if (key is null) return;
        if (evicting.Contains(key)) Park(key, m);
        else LineFor(key).Tell(m.Command, m.ReplyTo);
    }

    private void Park(string key, ReturnedCommand command)
    {
        if (!parked.TryGetValue(key, out var list)) parked[key] = list = [];
        list.Add(command);
    }

    private IActorRef LineFor(string key)
    {
        if (lines.TryGetValue(key, out var line)) return line;
        var id = ++nextLineId;
        var view = new CacheLineView(key, id);
        views[key] = view;
        line = Context.ActorOf(CacheLineActor.PropsFor(key, id, view, homes, store, settings, stats, selfAddress), "l" + id);
        Context.Watch(line);
        lines[key] = line;
        keyOf[line] = key;
        EnforceLimits();
        return line;
    }

    private void OnRecall(Recall r)
    {
        if (lines.TryGetValue(r.Key, out var line))
        {
            line.Forward(r);
            return;
        }
        stats.MessageSent();
        Sender.Tell(new RecallAck { Key = r.Key, OpId = r.OpId, Held = false, StateAfter = LineStateWire.LineInvalid }, Self);
    }

    private void OnTerminated(Terminated t)
    {
        if (!keyOf.Remove(t.ActorRef, out var key)) return;
        lines.Remove(key);
        evicting.Remove(key);
        if (views.TryGetValue(key, out var view) && view.Snapshot.State == LineState.Invalid)
            views.TryRemove(new KeyValuePair<string, CacheLineView>(key, view));
        if (parked.Remove(key, out var waiting))
        {
            var line = LineFor(key);
            foreach (var c in waiting) line.Tell(c.Command, c.ReplyTo);
        }
    }

    private void TellLines(HomeUnreachable message)
    {
        if (message.Address == selfAddress) return;
        foreach (var line in lines.Values) line.Tell(message);
    }

    /// <summary>Evicts the least recently used idle lines while the node is past its line count or byte limit. Over the
    /// count it evicts a little more than the excess (1% of the capacity) so that a full cache does not pay an O(n)
    /// scan on every miss.</summary>
    private void EnforceLimits()
    {
        var live = lines.Count - evicting.Count;
        var overCount = live - settings.Capacity;
        var overBytes = stats.Bytes - settings.MaxBytes;
        if (overCount <= 0 && overBytes <= 0) return;
        var wantCount = overCount > 0 ? overCount + Math.Max(0, settings.Capacity / 100) : 0;
        // the oldest first: a max-heap of the wantCount oldest would save little at these sizes; a sort is simpler
        var candidates = new List<(long Stamp, string Key, int Bytes)>(lines.Count);
        foreach (var (key, _) in lines)
        {
            if (evicting.Contains(key) || !views.TryGetValue(key, out var view)) continue;
            candidates.Add((view.LastAccess, key, view.Snapshot.Bytes));
        }
        candidates.Sort((a, b) => a.Stamp.CompareTo(b.Stamp));
        long freed = 0;
        var evicted = 0;
        foreach (var c in candidates)
        {
            if (evicted >= wantCount && freed >= overBytes) break;
            evicting.Add(c.Key);
            lines[c.Key].Tell(EvictLine.Instance);
            freed += c.Bytes;
            evicted++;
        }
    }
}
