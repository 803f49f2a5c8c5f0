using Akka.Actor;
using Akka.Remote;
using DistSync.Raft.Hosting.Wire;

namespace DistSync.Raft.Hosting;

/// <summary>
/// The per-node entry point of Raft traffic, at the well-known path <c>/system/raft</c>: dispatches peers'
/// <see cref="GroupMessage"/>s, forwarded proposals and admin requests, and join requests to the group's
/// <see cref="RaftActor"/> child (<c>g-{group}</c>) with the original sender. Multi-Raft: groups are started with
/// <see cref="StartGroup"/> and stopped with <see cref="StopGroup"/>; a start that arrives while the same group is
/// still stopping waits for the old actor to be gone (the child name is reused).
/// <para>Shared by all groups of the node: one tick timer (each tick is told to every group) and one heartbeat
/// message per peer (heartbeats and their responses of all groups queue here and leave as one
/// <see cref="GroupMessageBatch"/> per peer once the router's mailbox has no more of them, so a batch never waits for
/// a timer).</para>
/// </summary>
internal sealed class RaftRouter : ReceiveActor, IWithTimers
{
    public const string Name = "raft";

    private readonly Dictionary<int, IActorRef> groups = new();
    // groups whose actor was told to stop: who waits for it to be gone, and starts queued behind it
    private readonly Dictionary<int, (IActorRef Child, List<IActorRef> Waiting, List<(StartGroup Start, IActorRef Sender)> Starts)> stopping = new();

    private readonly TimeSpan tickInterval;
    private readonly Dictionary<IActorRef, GroupMessageBatch> outgoing = new();
    private bool flushQueued;

    private sealed class FlushHeartbeats
    {
        public static readonly FlushHeartbeats Instance = new();
    }

    private sealed class Tick
    {
        public static readonly Tick Instance = new();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        Timers.StartPeriodicTimer("tick", Tick.Instance, tickInterval);
        // a peer's connection dropping (its process killed, say) is the earliest sign its leadership is over
        Context.System.EventStream.Subscribe(Self, typeof(DisassociatedEvent));
    }

    protected override void PostStop() => Context.System.EventStream.Unsubscribe(Self);

    public RaftRouter(TimeSpan tickInterval)
    {
        this.tickInterval = tickInterval;
        Receive<Tick>(_ =>
        {
            foreach (var child in groups.Values) child.Tell(RaftTick.Instance, Self);
        });
        Receive<DisassociatedEvent>(e =>
        {
            var lost = new PeerDisconnected(e.RemoteAddress);
            foreach (var child in groups.Values) child.Tell(lost, Self);
        });
        Receive<CoalesceOutgoing>(c =>
        {
            if (!outgoing.TryGetValue(c.PeerRouter, out var batch)) outgoing[c.PeerRouter] = batch = new GroupMessageBatch();
            batch.Messages.Add(c.Message);
            if (flushQueued) return;
            flushQueued = true;
            Self.Tell(FlushHeartbeats.Instance); // behind every heartbeat already in the mailbox
        });
        Receive<FlushHeartbeats>(_ =>
        {
            flushQueued = false;
            foreach (var (peer, batch) in outgoing)
            {
                if (batch.Messages.Count == 1) peer.Tell(batch.Messages[0], Self);
                else peer.Tell(batch, Self);
            }
            outgoing.Clear();
        });
        Receive<GroupMessageBatch>(batch =>
        {
            foreach (var m in batch.Messages) Dispatch(m.GroupId, m, reply: null);
        });
        Receive<StartGroup>(start =>
        {
            if (stopping.TryGetValue(start.GroupId, out var s))
            {
                s.Starts.Add((start, Sender));
                return;
            }
            Sender.Tell(Start(start));
        });
        Receive<StopGroup>(stop =>
        {
            if (stopping.TryGetValue(stop.GroupId, out var s))
            {
                s.Waiting.Add(Sender);
                return;
            }
            if (!groups.Remove(stop.GroupId, out var child))
            {
                Sender.Tell(new GroupStopped(stop.GroupId));
                return;
            }
            stopping[stop.GroupId] = (child, [Sender], []);
            child.Tell(stop, Self);
        });
        Receive<Terminated>(t => OnChildTerminated(t.ActorRef));
        Receive<GroupMessage>(m => Dispatch(m.GroupId, m, reply: null));
        // A peer that forwards to a group not hosted here (any more: its replica moved away) holds a stale leader:
        // "not leader, no hint" makes it retry after a tick, by when its core knows the group's new leader.
        Receive<ForwardProposal>(m => Dispatch(m.GroupId, m, NotHosted(m.GroupId)));
        Receive<ForwardAdmin>(m => Dispatch(m.GroupId, m, NotHosted(m.GroupId)));
        Receive<JoinRequest>(m => Dispatch(m.GroupId, m, reply: null));
    }

    public static string ChildName(int groupId) => $"g-{groupId}";

    private static ProposalOutcome NotHosted(int groupId) =>
        new() { Code = OutcomeCode.NotLeader, Error = $"raft group {groupId} is not hosted on this node" };

    private IActorRef Start(StartGroup start)
    {
        if (!groups.TryGetValue(start.GroupId, out var child))
        {
            child = Context.ActorOf(start.Props, ChildName(start.GroupId));
            Context.Watch(child);
            groups[start.GroupId] = child;
        }
        return child;
    }

    private void OnChildTerminated(IActorRef child)
    {
        foreach (var (groupId, s) in stopping)
        {
            if (!s.Child.Equals(child)) continue;
            stopping.Remove(groupId);
            foreach (var w in s.Waiting) w.Tell(new GroupStopped(groupId));
            foreach (var (start, sender) in s.Starts) sender.Tell(Start(start));
            return;
        }
        // stopped by itself (a failed state machine, a broken journal past the restart limit): forget it, so a
        // later start builds a fresh actor that recovers from the journal
        foreach (var (groupId, c) in groups)
        {
            if (!c.Equals(child)) continue;
            groups.Remove(groupId);
            return;
        }
    }

    /// <summary>A group whose log actor failed (a journal write or recovery) restarts and recovers from its journal, up
    /// to 10 times a minute; beyond that it stays stopped (role "stopped", requests fail) instead of looping on a broken
    /// disk. Akka's default would restart without limit.</summary>
    protected override SupervisorStrategy SupervisorStrategy() =>
        new OneForOneStrategy(10, TimeSpan.FromMinutes(1), _ => Directive.Restart);

    private void Dispatch(int groupId, object message, ProposalOutcome? reply)
    {
        if (groups.TryGetValue(groupId, out var child))
        {
            child.Tell(message, Sender);
            return;
        }
        if (reply is not null) Sender.Tell(reply, Self);
    }
}
