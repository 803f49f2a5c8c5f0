using Akka.Actor;
using DistSync.Cluster;
using Akka.Event;
using DistSync.Raft.Journal;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

/// <summary>
/// Hosts one group's <see cref="RaftNode"/> on this node (child of <see cref="RaftRouter"/>, named <c>g-{group}</c>).
/// <para>
/// Start: its child <see cref="RaftLogActor"/> recovers the log; only then is the core built (everything
/// received meanwhile is stashed). A founding member with an empty journal first persists the bootstrap
/// configuration. Loop: every input (peer message, tick, proposal, read) is fed to the core and a
/// <see cref="FlushReady"/> self-message is queued once, so all inputs that arrived together end up in one
/// <see cref="Ready"/>, handled in the order documented on <see cref="Ready"/>: send <c>Messages</c>, persist
/// through the log actor (ticks, peer messages and a leader's proposals are stepped meanwhile, see
/// <see cref="Persisting"/>; a Ready that only moves the commit index is not waited for, see DeferHardState), update the
/// storage view, send <c>MessagesAfterPersist</c>, apply committed entries, answer reads, Advance.
/// </para>
/// <para>
/// Behaviours follow the core's role (<see cref="Following"/>, <see cref="Campaigning"/>, <see cref="Leading"/>,
/// switched with <c>Become</c> after every input), plus <see cref="Persisting"/> while a Ready is being written.
/// </para>
/// Proposals complete when their entry is applied here (matched by index and term) or fail with
/// <see cref="OutcomeCode.Unavailable"/> when leadership or the term changes; nothing is left hanging on stop.
/// </summary>
internal sealed partial class RaftActor : ReceiveActor, IWithUnboundedStash, IWithTimers
{
    private readonly int groupId;
    private readonly MemberInfo self;
    private readonly ulong selfId;
    private readonly RaftActorContext context;
    private readonly RaftHostSettings settings;
    private readonly RaftGroupState shared;
    private readonly int randomSeed;
    private readonly TimeSpan forwardTimeout;
    private readonly ILoggingAdapter log = Context.GetLogger();

    private readonly Dictionary<long, PendingProposal> pending = new();
    private readonly Dictionary<ulong, PendingRead> reads = new();
    private readonly List<PendingRead> readsAwaitingApply = new();

    private AddressBook book = null!;
    private IActorRef logActor = ActorRefs.Nobody;
    private JournaledRaftStorage storage = null!;
    private RaftNode node = null!;
    private IRaftStateMachine stateMachine = null!;
    private Ready? inFlight;
    // The hard state written with the Ready in flight (its own, or a deferred commit index it carries along).
    private HardState? inFlightHardState;
    // The last hard state the core handed out (durable, in flight, or deferred): a Ready whose hard state differs from
    // it only in the commit index needs no fsync before its messages leave and its entries apply (see ProcessReady).
    private HardState knownHardState = new();
    // A commit-only hard state not yet handed to the log: written with the next batch, or alone after a quiet tick.
    private HardState? deferredHardState;
    private long deferredAtTick;
    private RaftRole behaviourRole;
    private bool flushScheduled;
    private bool failed;
    private long ticks;
    private ulong nextReadContext;
    private long lastStampMs;
    private long appliedSinceSnapshot;
    private long expireProposedIndex;
    private bool wasLeader;
    private long lastTerm;
    private ulong lastLead;

    /// <param name="ProposedAt">Stopwatch timestamp of a client proposal (its commit latency is measured); 0 for admin changes.</param>
    private readonly record struct PendingProposal(long Term, TaskCompletionSource<ProposalOutcome> Completion, long ProposedAt = 0);

    /// <summary>A proposal relayed to <paramref name="Leader"/> in <paramref name="Term"/>, awaiting its answer.</summary>
    private readonly record struct ForwardedProposal(long Term, ulong Leader, TaskCompletionSource<ProposalOutcome> Completion);

    private readonly List<ForwardedProposal> forwarded = new();

    private sealed class PendingRead(ulong context, LocalRead request)
    {
        public ulong Context { get; } = context;
        public LocalRead Request { get; } = request;
        public long Index { get; set; } = -1;
        public long IssuedAtTick { get; set; } = -1;
    }

    public RaftActor(int groupId, RaftActorContext context, RaftGroupState shared, int randomSeed)
    {
        this.groupId = groupId;
        this.context = context;
        self = context.Self;
        selfId = RaftIds.FromNodeId(self.NodeId);
        settings = context.Settings;
        this.shared = shared;
        this.randomSeed = randomSeed;
        var electionMs = settings.TickInterval * settings.ElectionTick;
        forwardTimeout = electionMs * 5 > TimeSpan.FromSeconds(5) ? electionMs * 5 : TimeSpan.FromSeconds(5);
        Recovering();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    /// <summary>A group is state on disk: an unexpected exception stops it (the router does not restart it), so a
    /// replica never runs on after a fault with state that may differ from its log.</summary>
    protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => Directive.Stop);

    protected override void PreStart()
    {
        book = new AddressBook(Context.System);
        var (journal, snapshots) = (context.JournalPluginId, context.SnapshotPluginId);
        logActor = Context.ActorOf(Props.Create(() => new RaftLogActor(groupId, journal, snapshots)), "log");
        Context.Watch(logActor);
    }

    protected override void PostStop()
    {
        var stopped = Outcome(OutcomeCode.Unavailable, "the raft group stopped on this node");
        foreach (var p in pending.Values) p.Completion.TrySetResult(stopped);
        pending.Clear();
        foreach (var f in forwarded) f.Completion.TrySetResult(stopped);
        forwarded.Clear();
        foreach (var r in reads.Values) r.Request.Completion.TrySetException(new RaftUnavailableException("the raft group stopped on this node"));
        reads.Clear();
        readsAwaitingApply.Clear();
        shared.Status = shared.Status with { Role = failed ? "failed" : "stopped", Leader = null };
        if (failed || stoppedOnPurpose) shared.MarkStopped();
    }

    // ------------------------------------------------------------------ behaviours

    private void Recovering()
    {
        Receive<LogRecovered>(r => OnRecovered(r.Storage));
        Receive<Terminated>(OnTerminated);
        Receive<RaftTick>(_ => { }); // no core yet: a stashed pile of ticks would fire an election at once
        ReceiveAny(_ => Stash.Stash());
    }

    private void Bootstrapping(JournaledRaftStorage recovered, PersistBatch bootstrap)
    {
        Receive<BatchPersisted>(_ =>
        {
            recovered.Append(bootstrap.Entries);
            recovered.SetHardState(bootstrap.HardState!);
            StartNode(recovered);
        });
        Receive<Terminated>(OnTerminated);
        Receive<RaftTick>(_ => { });
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>Follower: proposals and admin requests go to the known leader; a join request is passed on to it.</summary>
    private void Following()
    {
        Receive<LocalPropose>(p => ForwardToLeader(new ForwardProposal { GroupId = groupId, Command = p.Command, ClientId = p.ClientId, Sequence = p.Sequence }, p.Completion, p.Cancellation, track: true));
        Receive<LocalAdmin>(a => ForwardAdminToLeader(a));
        Receive<ForwardProposal>(_ => Sender.Tell(NotLeader(node.Lead), Self)); // one hop only: the sender thought we lead
        Receive<ForwardAdmin>(_ => Sender.Tell(NotLeader(node.Lead), Self));
        Receive<JoinRequest>(PassJoinToLeader);
        Receive<RaftTick>(_ => OnTick(leading: false));
        CommonInputs();
    }

    /// <summary>Pre-candidate or candidate: no leader in this term, so requests are answered "not leader, no hint"
    /// at once (the caller retries after a tick) instead of being queued behind an election.</summary>
    private void Campaigning()
    {
        Receive<LocalPropose>(p => p.Completion.TrySetResult(NotLeader(node.Lead)));
        Receive<LocalAdmin>(a => a.Completion.TrySetResult(NotLeader(node.Lead)));
        Receive<ForwardProposal>(_ => Sender.Tell(NotLeader(node.Lead), Self));
        Receive<ForwardAdmin>(_ => Sender.Tell(NotLeader(node.Lead), Self));
        Receive<JoinRequest>(jr => LearnJoiner(jr)); // nobody to pass it to: the joiner asks again
        Receive<RaftTick>(_ => OnTick(leading: false));
        CommonInputs();
    }

    /// <summary>Leader: proposes, changes membership, adds joiners as learners, expires sessions, promotes learners.</summary>
    private void Leading()
    {
        Receive<LocalPropose>(p => ProposeAsLeader(p.Command, p.ClientId, p.Sequence, p.Completion));
        Receive<ForwardProposal>(fp => ProposeAsLeader(fp.Command, fp.ClientId, fp.Sequence, ReplyTo(Sender)));
        Receive<LocalAdmin>(a => AdminAsLeader(a.Kind, a.NodeId, a.Completion));
        Receive<ForwardAdmin>(fa => AdminAsLeader(fa.Kind, fa.NodeId, ReplyTo(Sender)));
        Receive<JoinRequest>(AddJoinerAsLearner);
        Receive<RaftTick>(_ => OnTick(leading: true));
        CommonInputs();
    }

    /// <summary>Inputs every role takes the same way.</summary>
    private void CommonInputs()
    {
        Receive<FlushReady>(_ =>
        {
            flushScheduled = false;
            ProcessReady();
        });
        Receive<GroupMessage>(OnGroupMessage);
        Receive<SnapshotSerialized>(OnSnapshotSerialized);
        Receive<PeerDisconnected>(OnPeerDisconnected);
        Receive<LocalRead>(OnLocalRead);
        Receive<JoinTick>(_ => OnJoinTick());
        Receive<StopGroup>(OnStopGroup);
        Receive<Terminated>(OnTerminated);
    }

    /// <summary>
    /// A Ready is being written. The core goes on taking input meanwhile, as etcd's does: ticks and peer messages are
    /// stepped at once, so a slow fsync delays neither this node's heartbeats, nor its answers to them, nor its election
    /// clock (stashing them behind the write let one long write cost a leader its followers); a leader also takes new
    /// proposals, replicates them at once (<see cref="SendNow"/>) and writes them with the next batch. What must wait
    /// for the disk (acknowledgements, votes) waits inside the core for the next Ready. Everything else is stashed.
    /// </summary>
    private void Persisting()
    {
        Receive<BatchPersisted>(_ => OnBatchPersisted());
        Receive<GroupMessage>(gm =>
        {
            OnGroupMessage(gm);
            SendNow();
        });
        Receive<RaftTick>(_ =>
        {
            OnTick(leading: node.Role == RaftRole.Leader);
            SendNow();
        });
        Receive<PeerDisconnected>(OnPeerDisconnected);
        Receive<LocalPropose>(p =>
        {
            ProposeAsLeader(p.Command, p.ClientId, p.Sequence, p.Completion);
            SendNow();
        }, _ => node.Role == RaftRole.Leader);
        Receive<ForwardProposal>(fp =>
        {
            ProposeAsLeader(fp.Command, fp.ClientId, fp.Sequence, ReplyTo(Sender));
            SendNow();
        }, _ => node.Role == RaftRole.Leader);
        // A follower only relays a proposal to the leader: that needs no core input, so it must not wait behind this
        // node's own fsync (it did, stashed, which added a journal write to every write sent through a follower).
        Receive<LocalPropose>(
            p => ForwardToLeader(new ForwardProposal { GroupId = groupId, Command = p.Command, ClientId = p.ClientId, Sequence = p.Sequence }, p.Completion, p.Cancellation, track: true),
            _ => node.Role == RaftRole.Follower);
        Receive<FlushReady>(_ => { flushScheduled = false; }); // dropped: a fresh one is queued after Advance (a block, or Akka reads "false" as unhandled)
        Receive<Terminated>(OnTerminated);
        ReceiveAny(_ => Stash.Stash());
    }

    /// <summary>Switches to the behaviour of the core's current role (not while a Ready is being persisted).</summary>
    private void BecomeRole()
    {
        if (inFlight is not null || node.Role == behaviourRole) return;
        behaviourRole = node.Role;
        Become(RoleBehaviour());
    }

    private Action RoleBehaviour() => node.Role switch
    {
        RaftRole.Leader => Leading,
        RaftRole.Follower => Following,
        _ => Campaigning,
    };

    private void OnTerminated(Terminated t)
    {
        if (t.ActorRef.Equals(logActor))
            throw new InvalidOperationException($"raft group {groupId}: the log actor stopped (journal write or recovery failed)");
    }

    // ------------------------------------------------------------------ start

    private void OnRecovered(JournaledRaftStorage recovered)
    {
        var initialMembers = context.InitialMembers;
        if (recovered.IsEmpty && initialMembers.Count > 0 && initialMembers.Any(m => m.NodeId == self.NodeId))
        {
            // Founding member: the same committed add-voter entries 1..n of term 1 on every founding node (sorted by node id).
            var sorted = initialMembers.OrderBy(m => m.NodeId, StringComparer.Ordinal).ToList();
            var entries = new List<Entry>(sorted.Count);
            for (int i = 0; i < sorted.Count; i++)
            {
                var info = new MemberInfo { NodeId = sorted[i].NodeId, RemoteAddress = NodeAddress.Format(sorted[i].RemoteAddress) };
                var cc = new ConfChange { Type = ConfChangeType.AddVoter, NodeId = RaftIds.FromNodeId(info.NodeId), Context = info.ToByteString() };
                entries.Add(new Entry { Index = i + 1, Term = 1, Type = EntryType.ConfChange, Data = cc.ToByteString() });
            }
            var batch = new PersistBatch([], null, entries, new HardState { Term = 1, Commit = entries.Count });
            logActor.Tell(batch, Self);
            Become(() => Bootstrapping(recovered, batch));
            return;
        }
        StartNode(recovered);
    }

    private void StartNode(JournaledRaftStorage recovered)
    {
        storage = recovered;
        foreach (var m in context.InitialMembers) book.Learn(new MemberInfo { NodeId = m.NodeId, RemoteAddress = NodeAddress.Format(m.RemoteAddress) });
        book.Learn(self);
        stateMachine = context.StateMachineFactory();
        if (storage.Snapshot.Metadata.Index > 0) RestoreFromSnapshot(storage.Snapshot);
        foreach (var e in storage.RetainedEntries()) LearnFromEntry(e);
        node = new RaftNode(settings.ToRaftConfig(selfId), storage, new Random(randomSeed));
        lastTerm = node.Term;
        (observedRole, observedTerm) = (node.Role, node.Term);
        knownHardState = storage.HardState.Clone();
        behaviourRole = node.Role;
        Become(RoleBehaviour());
        // ticks come from the router, one timer for all groups of the node
        if (context.Join && !IsMember) Timers.StartPeriodicTimer("join", JoinTick.Instance, TimeSpan.Zero, settings.JoinRetryInterval);
        PublishStatus();
        Stash.UnstashAll();
        ScheduleFlush();
    }

    private bool IsMember => node.Voters.Contains(selfId) || node.Learners.Contains(selfId);
}
