using DistSync.Raft.Journal;
using System.Buffers.Binary;
using DistSync.Actors;
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
/// through the log actor (stashing all input until it acknowledges: the core takes no input between GetReady
/// and Advance), update the storage view, send <c>MessagesAfterPersist</c>, apply committed entries, answer
/// reads, Advance.
/// </para>
/// Proposals complete when their entry is applied here (matched by index and term) or fail with
/// <see cref="OutcomeCode.Unavailable"/> when leadership or the term changes; nothing is left hanging on stop.
/// </summary>
internal sealed class RaftActor : ReceiveActor, IWithStash, IWithTimers
{
    private readonly int groupId;
    private readonly MemberInfo self;
    private readonly ulong selfId;
    private readonly RaftHostSettings settings;
    private readonly IReadOnlyList<RaftMember> initialMembers;
    private readonly bool join;
    private readonly IReadOnlyList<DistSync.Actors.Address> seeds;
    private readonly Func<IRaftStateMachine> stateMachineFactory;
    private readonly RaftGroupState shared;
    private readonly int randomSeed;
    private readonly TimeSpan forwardTimeout;

    private readonly Dictionary<long, PendingProposal> pending = new();
    private readonly Dictionary<ulong, PendingRead> reads = new();
    private readonly List<PendingRead> readsAwaitingApply = new();
    private readonly List<Message> sendScratch = new();

    private AddressBook book = null!;
    private IActorRef logActor = ActorRefs.Nobody;
    private JournaledRaftStorage storage = null!;
    private RaftNode node = null!;
    private IRaftStateMachine stateMachine = null!;
    private Ready? inFlight;
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

    private readonly record struct PendingProposal(long Term, TaskCompletionSource<ProposalOutcome> Completion);

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

    public RaftActor(int groupId, MemberInfo self, RaftHostSettings settings, IReadOnlyList<RaftMember> initialMembers, bool join,
        IReadOnlyList<DistSync.Actors.Address> seeds, Func<IRaftStateMachine> stateMachineFactory, RaftGroupState shared, int randomSeed)
    {
        this.groupId = groupId;
        this.self = self;
        selfId = RaftIds.FromNodeId(self.NodeId);
        this.settings = settings;
        this.initialMembers = initialMembers;
        this.join = join;
        this.seeds = seeds;
        this.stateMachineFactory = stateMachineFactory;
        this.shared = shared;
        this.randomSeed = randomSeed;
        var electionMs = settings.TickInterval * settings.ElectionTick;
        forwardTimeout = electionMs * 5 > TimeSpan.FromSeconds(5) ? electionMs * 5 : TimeSpan.FromSeconds(5);
        Recovering();
    }

    public IStash Stash { get; set; } = null!;
    public ITimerScheduler Timers { get; set; } = null!;

    protected override void PreStart()
    {
        book = new AddressBook(Context.System);
        logActor = Context.ActorOf(Props.Create(() => new RaftLogActor(groupId)), "log");
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
        if (failed) shared.MarkStopped();
    }

    // ------------------------------------------------------------------ behaviours

    private void Recovering()
    {
        Receive<LogRecovered>(r => OnRecovered(r.Storage));
        Receive<Terminated>(t => OnTerminated(t));
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
        Receive<Terminated>(t => OnTerminated(t));
        ReceiveAny(_ => Stash.Stash());
    }

    private void Active()
    {
        Receive<FlushReady>(_ =>
        {
            flushScheduled = false;
            ProcessReady();
        });
        Receive<GroupMessage>(OnGroupMessage);
        Receive<RaftTick>(_ => OnTick());
        Receive<LocalPropose>(p => Propose(p.Command, p.ClientId, p.Sequence, p.Completion, p.Cancellation, forwardIfFollower: true));
        Receive<ForwardProposal>(OnForwardProposal);
        Receive<LocalRead>(OnLocalRead);
        Receive<LocalAdmin>(a => Admin(a.Kind, a.NodeId, a.Completion, a.Cancellation, forwardIfFollower: true));
        Receive<ForwardAdmin>(OnForwardAdmin);
        Receive<JoinRequest>(OnJoinRequest);
        Receive<JoinTick>(_ => OnJoinTick());
        Receive<Terminated>(t => OnTerminated(t));
    }

    private void Persisting()
    {
        Receive<BatchPersisted>(_ => OnBatchPersisted());
        // A follower only relays a proposal to the leader: that needs no core input, so it must not wait behind this
        // node's own fsync (it did, stashed, which added a journal write to every write sent through a follower).
        Receive<LocalPropose>(p => Propose(p.Command, p.ClientId, p.Sequence, p.Completion, p.Cancellation, forwardIfFollower: true), _ => node.Role != RaftRole.Leader);
        Receive<FlushReady>(_ => flushScheduled = false); // a fresh one is queued after Advance
        Receive<Terminated>(t => OnTerminated(t));
        ReceiveAny(_ => Stash.Stash());
    }

    private void OnTerminated(Terminated t)
    {
        if (t.ActorRef.Equals(logActor))
            throw new InvalidOperationException($"raft group {groupId}: the log actor stopped (journal write or recovery failed)");
    }

    // ------------------------------------------------------------------ start

    private void OnRecovered(JournaledRaftStorage recovered)
    {
        if (recovered.IsEmpty && initialMembers.Count > 0 && initialMembers.Any(m => m.NodeId == self.NodeId))
        {
            // Founding member: the same committed add-voter entries 1..n of term 1 on every founding node (sorted by node id).
            var sorted = initialMembers.OrderBy(m => m.NodeId, StringComparer.Ordinal).ToList();
            var entries = new List<Entry>(sorted.Count);
            for (int i = 0; i < sorted.Count; i++)
            {
                var info = new MemberInfo { NodeId = sorted[i].NodeId, RemoteAddress = sorted[i].RemoteAddress.ToString() };
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
        foreach (var m in initialMembers) book.Learn(new MemberInfo { NodeId = m.NodeId, RemoteAddress = m.RemoteAddress.ToString() });
        book.Learn(self);
        stateMachine = stateMachineFactory();
        if (storage.Snapshot.Metadata.Index > 0) RestoreFromSnapshot(storage.Snapshot);
        foreach (var e in storage.RetainedEntries()) LearnFromEntry(e);
        node = new RaftNode(settings.ToRaftConfig(selfId), storage, new Random(randomSeed));
        lastTerm = node.Term;
        Become(Active);
        Timers.StartPeriodicTimer("tick", RaftTick.Instance, settings.TickInterval);
        if (join && !IsMember) Timers.StartPeriodicTimer("join", JoinTick.Instance, TimeSpan.Zero, settings.JoinRetryInterval);
        PublishStatus();
        Stash.UnstashAll();
        ScheduleFlush();
    }

    private bool IsMember => node.Voters.Contains(selfId) || node.Learners.Contains(selfId);

    // ------------------------------------------------------------------ inputs

    private void OnGroupMessage(GroupMessage gm)
    {
        var m = gm.Message;
        if (m is null) return;
        book.LearnSender(m.From, Sender);
        node.Step(m);
        ScheduleFlush();
    }

    private void OnTick()
    {
        ticks++;
        node.Tick();
        if (node.Role == RaftRole.Leader)
        {
            MaybeProposeExpire();
            MaybePromoteLearner();
        }
        ReissueStaleReads();
        CheckLeadership();
        PublishStatus();
        ScheduleFlush();
    }

    private void OnForwardProposal(ForwardProposal fp)
    {
        var replyTo = Sender;
        var tcs = new TaskCompletionSource<ProposalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.Task.ContinueWith(t => replyTo.Tell(t.Result), TaskScheduler.Default);
        Propose(fp.Command, fp.ClientId, fp.Sequence, tcs, CancellationToken.None, forwardIfFollower: false);
    }

    private void Propose(ByteString command, ulong clientId, ulong sequence, TaskCompletionSource<ProposalOutcome> tcs, CancellationToken ct, bool forwardIfFollower)
    {
        if (node.Role == RaftRole.Leader)
        {
            var r = node.Propose(command, clientId, sequence, Stamp());
            if (r == ProposeResult.Accepted)
            {
                pending[node.LastIndex] = new PendingProposal(node.Term, tcs);
                ScheduleFlush();
                return;
            }
            tcs.TrySetResult(NotLeader(r == ProposeResult.TransferInProgress ? node.LeadTransferee : 0));
            return;
        }
        if (forwardIfFollower && node.Lead != 0 && book.RouterOf(node.Lead) is { } leader && !ReferenceEquals(leader, ActorRefs.Nobody))
        {
            var fp = new ForwardProposal { GroupId = groupId, Command = command, ClientId = clientId, Sequence = sequence };
            forwarded.Add(new ForwardedProposal(node.Term, node.Lead, tcs));
            Relay(leader.Ask<ProposalOutcome>(fp, forwardTimeout, ct), tcs);
            return;
        }
        tcs.TrySetResult(NotLeader(node.Lead));
    }

    private void OnLocalRead(LocalRead read)
    {
        if (!read.Linearizable)
        {
            RunQuery(read);
            return;
        }
        var pr = new PendingRead(++nextReadContext, read);
        reads[pr.Context] = pr;
        IssueRead(pr);
        ScheduleFlush();
    }

    private void IssueRead(PendingRead pr)
    {
        var ctx = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(ctx, pr.Context);
        if (node.ReadIndex(UnsafeByteOperations.UnsafeWrap(ctx)) == ProposeResult.Accepted) pr.IssuedAtTick = ticks;
    }

    /// <summary>Reads whose confirmation was lost (leader change, dropped message) are asked again, under the same
    /// context: a late answer to the first request still counts.</summary>
    private void ReissueStaleReads()
    {
        if (reads.Count == 0) return;
        foreach (var pr in reads.Values)
        {
            if (pr.Request.Completion.Task.IsCompleted || pr.Index >= 0) continue;
            if (pr.IssuedAtTick < 0 || ticks - pr.IssuedAtTick >= 2 * settings.ElectionTick) IssueRead(pr);
        }
        RemoveAbandonedReads();
    }

    private void RemoveAbandonedReads()
    {
        List<ulong>? gone = null;
        foreach (var (ctx, pr) in reads) if (pr.Request.Completion.Task.IsCompleted) (gone ??= new()).Add(ctx);
        if (gone is not null) foreach (var ctx in gone) reads.Remove(ctx);
        readsAwaitingApply.RemoveAll(r => r.Request.Completion.Task.IsCompleted);
    }

    private void OnForwardAdmin(ForwardAdmin fa)
    {
        var replyTo = Sender;
        var tcs = new TaskCompletionSource<ProposalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.Task.ContinueWith(t => replyTo.Tell(t.Result), TaskScheduler.Default);
        Admin(fa.Kind, fa.NodeId, tcs, CancellationToken.None, forwardIfFollower: false);
    }

    private void Admin(AdminKind kind, string nodeId, TaskCompletionSource<ProposalOutcome> tcs, CancellationToken ct, bool forwardIfFollower)
    {
        if (string.IsNullOrEmpty(nodeId))
        {
            tcs.TrySetResult(Outcome(OutcomeCode.Invalid, "node id is empty"));
            return;
        }
        ulong target = RaftIds.FromNodeId(nodeId);
        if (node.Role == RaftRole.Leader)
        {
            if (!node.Voters.Contains(target) && !(kind == AdminKind.RemoveMember && node.Learners.Contains(target)))
            {
                tcs.TrySetResult(Outcome(OutcomeCode.Invalid, $"'{nodeId}' is not a {(kind == AdminKind.RemoveMember ? "member" : "voter")} of raft group {groupId}"));
                return;
            }
            ProposeResult r;
            if (kind == AdminKind.TransferLeader)
            {
                r = target == selfId ? ProposeResult.Accepted : node.TransferLeader(target);
                tcs.TrySetResult(r switch
                {
                    ProposeResult.Accepted => Outcome(OutcomeCode.Ok, ""),
                    ProposeResult.Invalid => Outcome(OutcomeCode.Invalid, $"cannot transfer leadership to '{nodeId}'"),
                    _ => NotLeader(node.Lead),
                });
                ScheduleFlush();
                return;
            }
            var cc = new ConfChange { Type = ConfChangeType.Remove, NodeId = target };
            r = node.ProposeConfChange(cc);
            switch (r)
            {
                case ProposeResult.Accepted:
                    pending[node.LastIndex] = new PendingProposal(node.Term, tcs);
                    ScheduleFlush();
                    return;
                case ProposeResult.ConfChangePending:
                    tcs.TrySetResult(Outcome(OutcomeCode.Busy, $"a configuration change is pending: the leader has not yet applied its previous change or its log up to its election (applied {node.AppliedIndex}, last {node.LastIndex})"));
                    return;
                case ProposeResult.TransferInProgress:
                    tcs.TrySetResult(Outcome(OutcomeCode.Busy, $"a leader transfer to {book.NodeIdOf(node.LeadTransferee)} is in progress"));
                    return;
                case ProposeResult.Invalid:
                    tcs.TrySetResult(Outcome(OutcomeCode.Invalid, $"cannot remove '{nodeId}' (the last voter cannot be removed)"));
                    return;
                default:
                    tcs.TrySetResult(NotLeader(node.Lead));
                    return;
            }
        }
        if (forwardIfFollower && node.Lead != 0 && book.RouterOf(node.Lead) is { } leader && !ReferenceEquals(leader, ActorRefs.Nobody))
        {
            Relay(leader.Ask<ProposalOutcome>(new ForwardAdmin { GroupId = groupId, Kind = kind, NodeId = nodeId }, forwardTimeout, ct), tcs);
            return;
        }
        tcs.TrySetResult(NotLeader(node.Lead));
    }

    private void OnJoinRequest(JoinRequest jr)
    {
        if (jr.Member is null || string.IsNullOrEmpty(jr.Member.NodeId) || string.IsNullOrEmpty(jr.Member.RemoteAddress)) return;
        book.Learn(jr.Member);
        ulong id = RaftIds.FromNodeId(jr.Member.NodeId);
        if (node.Role != RaftRole.Leader)
        {
            // a seed that does not lead passes it on (at most one hop: the leader does not forward)
            if (node.Lead != 0 && node.Lead != selfId && book.RouterOf(node.Lead) is { } leader) leader.Tell(jr, Self);
            return;
        }
        if (node.Voters.Contains(id) || node.Learners.Contains(id)) return;
        var cc = new ConfChange { Type = ConfChangeType.AddLearner, NodeId = id, Context = jr.Member.ToByteString() };
        if (node.ProposeConfChange(cc) == ProposeResult.Accepted)
        {
            Log.Information("Raft group {Group}: adding {Node} ({Address}) as a learner", groupId, jr.Member.NodeId, jr.Member.RemoteAddress);
            ScheduleFlush();
        }
    }

    private void OnJoinTick()
    {
        if (IsMember)
        {
            Timers.Cancel("join");
            return;
        }
        var request = new JoinRequest { GroupId = groupId, Member = self };
        foreach (var seed in seeds)
        {
            if (seed == Context.System.Address) continue;
            AddressBook.RouterAt(Context.System, seed).Tell(request, Self);
        }
    }

    // ------------------------------------------------------------------ leader duties

    private void MaybeProposeExpire()
    {
        if (expireProposedIndex > node.AppliedIndex) return; // the previous one has not applied yet
        if (stateMachine.NextDeadlineMs is not { } deadline) return;
        long now = Stamp();
        if (now < deadline) return;
        var command = stateMachine.ExpireCommand;
        if (command.IsEmpty) return;
        if (node.Propose(ByteString.CopyFrom(command.Span), 0, 0, now) == ProposeResult.Accepted) expireProposedIndex = node.LastIndex;
    }

    private void MaybePromoteLearner()
    {
        foreach (ulong learner in node.Learners)
        {
            var pr = node.GetProgress(learner);
            if (pr is null || pr.Match == 0 || pr.Match + settings.LearnerPromotionLag < node.CommitIndex) continue;
            var context = book.TryGet(learner, out var info) ? info.ToByteString() : ByteString.Empty;
            if (node.ProposeConfChange(new ConfChange { Type = ConfChangeType.AddVoter, NodeId = learner, Context = context }) == ProposeResult.Accepted)
                Log.Information("Raft group {Group}: promoting learner {Node} (match {Match}, commit {Commit})", groupId, book.NodeIdOf(learner), pr.Match, node.CommitIndex);
            return; // one change at a time
        }
    }

    // ------------------------------------------------------------------ Ready

    private void ScheduleFlush()
    {
        if (flushScheduled) return;
        flushScheduled = true;
        Self.Tell(FlushReady.Instance, Self);
    }

    private void ProcessReady()
    {
        CheckLeadership();
        if (!node.HasReady()) return;
        var rd = node.GetReady();
        Send(rd.Messages);
        if (rd.SnapshotChunks.Count > 0 || rd.Snapshot is not null || rd.Entries.Count > 0 || rd.HardState is not null)
        {
            inFlight = rd;
            logActor.Tell(new PersistBatch(rd.SnapshotChunks, rd.Snapshot, rd.Entries, rd.HardState), Self);
            Become(Persisting);
            return;
        }
        FinishReady(rd);
    }

    private void OnBatchPersisted()
    {
        var rd = inFlight!;
        inFlight = null;
        // durable now: the storage view may show it
        for (int i = 0; i < rd.SnapshotChunks.Count; i++) storage.WriteSnapshotChunk(rd.SnapshotChunks[i]);
        if (rd.Snapshot is { } snap)
        {
            storage.ApplySnapshot(snap);
            RestoreFromSnapshot(snap);
        }
        if (rd.Entries.Count > 0)
        {
            storage.Append(rd.Entries);
            for (int i = 0; i < rd.Entries.Count; i++) LearnFromEntry(rd.Entries[i]);
        }
        if (rd.HardState is { } hs) storage.SetHardState(hs);
        // After an install, a log snapshot right away lets the journal drop the chunk events and the install event
        // (taken only now, when the view holds the whole batch: the events it replaces are deleted).
        if (rd.Snapshot is not null) logActor.Tell(new SaveLogState(storage.ToLogState()), Self);
        Become(Active);
        FinishReady(rd);
        Stash.UnstashAll();
    }

    private void FinishReady(Ready rd)
    {
        Send(rd.MessagesAfterPersist);
        if (rd.CommittedEntries.Count > 0 && !Apply(rd.CommittedEntries)) return; // stopping: no Advance, nothing more
        for (int i = 0; i < rd.ReadStates.Count; i++) OnReadState(rd.ReadStates[i]);
        node.Advance();
        CheckLeadership();
        MaybeSnapshot();
        ScheduleFlush();
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var router = book.RouterOf(m.To);
            if (router is null) continue; // address unknown yet: Raft retries
            router.Tell(new GroupMessage { GroupId = groupId, Message = m }, Self);
        }
    }

    /// <summary>Applies committed entries in order; false when the state machine threw and the group is stopping.</summary>
    private bool Apply(IReadOnlyList<Entry> committed)
    {
        for (int i = 0; i < committed.Count; i++)
        {
            var e = committed[i];
            if (e.TimestampMs > lastStampMs) lastStampMs = e.TimestampMs;
            ProposalOutcome outcome;
            if (e.Type == EntryType.ConfChange)
            {
                LearnFromEntry(e);
                outcome = Outcome(OutcomeCode.Ok, "");
                if (join && IsMember) Timers.Cancel("join");
            }
            else if (e.Data.IsEmpty)
            {
                outcome = Outcome(OutcomeCode.Ok, ""); // the leader's no-op at the start of its term
            }
            else
            {
                try
                {
                    var result = stateMachine.Apply(new AppliedEntry(e.Index, e.Term, e.TimestampMs, e.ClientId, e.Sequence, e.Data.Memory));
                    outcome = new ProposalOutcome { Code = OutcomeCode.Ok, Result = UnsafeByteOperations.UnsafeWrap(result) };
                }
                catch (Exception ex)
                {
                    // State machines answer bad commands with a result; an exception means a bug or a replica that
                    // is not where the log says (say, an entry applied twice). Going on would let this replica drift
                    // from the others silently, so the group stops here, loudly, with the entry still unapplied.
                    Log.Error(ex, "Raft group {Group}: the state machine failed applying entry {Index} (term {Term}); STOPPING the group on this node so its replica cannot diverge. Fix the cause and restart the node: it resumes from its journal", groupId, e.Index, e.Term);
                    if (pending.Remove(e.Index, out var failedProposal))
                        failedProposal.Completion.TrySetResult(Outcome(OutcomeCode.ApplyFailed, ex.Message));
                    failed = true;
                    Context.Stop(Self);
                    return false;
                }
                appliedSinceSnapshot++;
            }
            if (pending.Remove(e.Index, out var p))
            {
                p.Completion.TrySetResult(p.Term == e.Term ? outcome : Outcome(OutcomeCode.Unavailable, "the entry was overwritten by a new leader"));
            }
        }
        RunReadsUpTo(committed[^1].Index);
        return true;
    }

    private void OnReadState(ReadState rs)
    {
        if (rs.Context.Length != 8) return;
        ulong ctx = BinaryPrimitives.ReadUInt64LittleEndian(rs.Context.Span);
        if (!reads.TryGetValue(ctx, out var pr)) return;
        pr.Index = rs.Index;
        if (rs.Index <= smApplied)
        {
            reads.Remove(ctx);
            RunQuery(pr.Request);
        }
        else
        {
            readsAwaitingApply.Add(pr);
        }
    }

    // The state machine's own position: entries of a Ready are applied before its read states are handled,
    // while the core marks them applied only at Advance.
    private long smApplied;

    private void RunReadsUpTo(long appliedIndex)
    {
        smApplied = appliedIndex;
        if (readsAwaitingApply.Count == 0) return;
        for (int i = readsAwaitingApply.Count - 1; i >= 0; i--)
        {
            var pr = readsAwaitingApply[i];
            if (pr.Index > appliedIndex) continue;
            readsAwaitingApply.RemoveAt(i);
            reads.Remove(pr.Context);
            RunQuery(pr.Request);
        }
    }

    private void RunQuery(LocalRead read)
    {
        if (read.Completion.Task.IsCompleted) return;
        try
        {
            read.Completion.TrySetResult(read.Query(stateMachine));
        }
        catch (Exception ex)
        {
            read.Completion.TrySetException(ex);
        }
    }

    /// <summary>Fails every pending proposal once this node stops leading or the term moves on: their outcome is unknown.</summary>
    private void CheckLeadership()
    {
        bool isLeader = node.Role == RaftRole.Leader;
        bool changed = node.Term != lastTerm || (wasLeader && !isLeader);
        if (node.Lead != lastLead)
        {
            lastLead = node.Lead;
            PublishStatus();
        }
        wasLeader = isLeader;
        lastTerm = node.Term;
        if (forwarded.Count > 0) FailStaleForwards();
        if (!changed || pending.Count == 0) return;
        var hint = node.Lead != 0 ? book.NodeIdOf(node.Lead) : "";
        var lost = new ProposalOutcome { Code = OutcomeCode.Unavailable, Error = "leadership was lost before the entry was applied; its outcome is unknown", LeaderHint = hint };
        List<long>? failed = null;
        foreach (var (index, p) in pending)
        {
            if (isLeader && p.Term == node.Term) continue;
            p.Completion.TrySetResult(lost);
            (failed ??= new()).Add(index);
        }
        if (failed is not null) foreach (var index in failed) pending.Remove(index);
    }

    /// <summary>
    /// A proposal relayed to a leader that has since been replaced (the term moved on or another node leads) fails at
    /// once instead of waiting out the forward timeout: the old leader may have appended, even committed it, so its
    /// outcome is unknown and it is NOT proposed again (a retry could apply a non-idempotent command twice).
    /// Answered ones are dropped here too (their relay completes them off the actor thread).
    /// </summary>
    private void FailStaleForwards()
    {
        for (int i = forwarded.Count - 1; i >= 0; i--)
        {
            var f = forwarded[i];
            if (f.Completion.Task.IsCompleted)
            {
                forwarded.RemoveAt(i);
                continue;
            }
            if (f.Term == node.Term && (node.Lead == 0 || node.Lead == f.Leader)) continue;
            f.Completion.TrySetResult(new ProposalOutcome
            {
                Code = OutcomeCode.Unavailable,
                Error = $"the leader the proposal was forwarded to ({book.NodeIdOf(f.Leader)}, term {f.Term}) is no longer leader; its outcome is unknown",
                LeaderHint = node.Lead != 0 ? book.NodeIdOf(node.Lead) : "",
            });
            forwarded.RemoveAt(i);
        }
    }

    private void MaybeSnapshot()
    {
        if (appliedSinceSnapshot < settings.SnapshotEveryEntries) return;
        long index = node.AppliedIndex;
        if (index <= storage.Snapshot.Metadata.Index || index > storage.LastIndex) return;
        appliedSinceSnapshot = 0;
        var gs = new GroupSnapshot { State = ByteString.CopyFrom(stateMachine.Snapshot()) };
        gs.Members.AddRange(book.Members);
        storage.CreateSnapshot(index, node.ConfState, gs.ToByteString());
        // keep a tail of entries so a follower slightly behind catches up from the log, not a snapshot
        long compactTo = index - settings.SnapshotEveryEntries / 4;
        if (compactTo > storage.FirstIndex - 1) storage.Compact(compactTo);
        logActor.Tell(new SaveLogState(storage.ToLogState()), Self);
    }

    private void RestoreFromSnapshot(Snapshot snap)
    {
        GroupSnapshot gs;
        try
        {
            gs = GroupSnapshot.Parser.ParseFrom(snap.Data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new InvalidOperationException($"raft group {groupId}: snapshot at {snap.Metadata.Index} is not a group snapshot", ex);
        }
        foreach (var m in gs.Members) book.Learn(m);
        stateMachine.Restore(gs.State.Span);
        appliedSinceSnapshot = 0;
        smApplied = snap.Metadata.Index;
        RunReadsUpTo(snap.Metadata.Index);
    }

    private void LearnFromEntry(Entry e)
    {
        if (e.TimestampMs > lastStampMs) lastStampMs = e.TimestampMs;
        if (e.Type != EntryType.ConfChange) return;
        try
        {
            var cc = ConfChange.Parser.ParseFrom(e.Data);
            if (!cc.Context.IsEmpty) book.Learn(MemberInfo.Parser.ParseFrom(cc.Context));
        }
        catch (InvalidProtocolBufferException)
        {
            // the core skips malformed conf changes too
        }
    }

    // ------------------------------------------------------------------ helpers

    /// <summary>The leader's clock for a new entry, never below a timestamp already in the log.</summary>
    private long Stamp()
    {
        long now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (now > lastStampMs) lastStampMs = now;
        return lastStampMs;
    }

    private ProposalOutcome NotLeader(ulong lead) =>
        new() { Code = OutcomeCode.NotLeader, LeaderHint = lead != 0 && lead != selfId ? book.NodeIdOf(lead) : "" };

    private static ProposalOutcome Outcome(OutcomeCode code, string error) => new() { Code = code, Error = error };

    private static void Relay(Task<ProposalOutcome> ask, TaskCompletionSource<ProposalOutcome> tcs) =>
        ask.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully) tcs.TrySetResult(t.Result);
            else if (t.IsCanceled) tcs.TrySetCanceled();
            else tcs.TrySetResult(new ProposalOutcome { Code = OutcomeCode.Unavailable, Error = "the leader did not answer the forwarded request in time: " + t.Exception?.GetBaseException().Message });
        }, TaskScheduler.Default);

    private void PublishStatus()
    {
        if (node is null) return;
        var members = new List<RaftMemberStatus>();
        foreach (ulong v in node.Voters) members.Add(MemberStatus(v, "voter"));
        foreach (ulong l in node.Learners) members.Add(MemberStatus(l, "learner"));
        members.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        var followers = new List<RaftFollowerProgress>();
        if (node.Role == RaftRole.Leader)
        {
            foreach (ulong id in node.Voters.Concat(node.Learners))
            {
                if (id == selfId || node.GetProgress(id) is not { } pr) continue;
                followers.Add(new RaftFollowerProgress(book.NodeIdOf(id), pr.Match, pr.Next, pr.State switch
                {
                    ProgressState.Probe => "probe",
                    ProgressState.Replicate => "replicate",
                    _ => "snapshot",
                }, pr.RecentActive));
            }
            followers.Sort((a, b) => string.CompareOrdinal(a.NodeId, b.NodeId));
        }
        shared.Status = new RaftGroupStatus(groupId, self.NodeId, RoleName(node.Role), node.Term,
            node.Lead != 0 ? book.NodeIdOf(node.Lead) : null, node.CommitIndex, node.AppliedIndex, node.LastIndex, members, followers)
        {
            SnapshotIndex = storage.Snapshot.Metadata.Index,
            FirstIndex = node.FirstIndex,
            SnapshotChunksSent = node.SnapshotChunksSent,
            SnapshotChunksResent = node.SnapshotChunksResent,
        };
    }

    private RaftMemberStatus MemberStatus(ulong id, string kind) =>
        book.TryGet(id, out var info) ? new RaftMemberStatus(info.NodeId, info.RemoteAddress, kind) : new RaftMemberStatus(id.ToString("x16"), "", kind);

    internal static string RoleName(RaftRole role) => role switch
    {
        RaftRole.Follower => "follower",
        RaftRole.PreCandidate => "pre-candidate",
        RaftRole.Candidate => "candidate",
        _ => "leader",
    };
}
