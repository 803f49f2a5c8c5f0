using System.Buffers.Binary;
using Akka.Actor;
using Akka.Event;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// The inputs of a RaftActor: peer messages, ticks, proposals, admin requests, joins and reads.
internal sealed partial class RaftActor
{
    private void OnGroupMessage(GroupMessage gm)
    {
        var m = gm.Message;
        if (m is null) return;
        book.LearnSender(m.From, Sender);
        NotePeerMessage(m);
        node.Step(m);
        BecomeRole();
        ScheduleFlush();
    }

    /// <summary>
    /// The leader's connection dropped: forget it and campaign soon, without waiting out the election timeout (a kill -9
    /// of the leader otherwise costs 1–2 s of it). The surviving voters campaign in the order of their Raft ids, two
    /// ticks apart, so two of them rarely split the vote; a node that is not first still grants at once.
    /// </summary>
    private void OnPeerDisconnected(PeerDisconnected lost)
    {
        if (node is null) return;
        ulong gone = book.RaftIdAt(lost.Address);
        if (gone == 0 || gone != node.Lead) return;
        int rank = 0;
        foreach (ulong voter in node.Voters)
            if (voter != gone && voter < selfId) rank++;
        if (!node.ForgetLeader(gone, 1 + 2 * rank)) return;
        log.Info("Raft group {0}: the connection to leader {1} dropped; campaigning within {2} ticks instead of an election timeout", groupId, book.NodeIdOf(gone), 1 + 2 * rank);
        PublishStatus();
        ScheduleFlush();
    }

    private void OnTick(bool leading)
    {
        ticks++;
        node.Tick();
        if (leading && node.Role == RaftRole.Leader)
        {
            MaybeProposeExpire();
            MaybePromoteLearner();
        }
        ReissueStaleReads();
        FlushDeferredHardState();
        WarnIfPersistIsSlow();
        CheckLeadership();
        PublishStatus();
        BecomeRole();
        ScheduleFlush();
    }

    /// <summary>A completion whose outcome is told to <paramref name="replyTo"/> (a forwarding follower's Ask).</summary>
    private static TaskCompletionSource<ProposalOutcome> ReplyTo(IActorRef replyTo)
    {
        var tcs = new TaskCompletionSource<ProposalOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        tcs.Task.ContinueWith(t => replyTo.Tell(t.Result, ActorRefs.NoSender), TaskScheduler.Default);
        return tcs;
    }

    private void ProposeAsLeader(ByteString command, ulong clientId, ulong sequence, TaskCompletionSource<ProposalOutcome> tcs)
    {
        var r = node.Propose(command, clientId, sequence, Stamp());
        if (r == ProposeResult.Accepted)
        {
            pending[node.LastIndex] = new PendingProposal(node.Term, tcs, System.Diagnostics.Stopwatch.GetTimestamp());
            Metrics?.Proposed(groupId);
            ScheduleFlush();
            return;
        }
        tcs.TrySetResult(NotLeader(r == ProposeResult.TransferInProgress ? node.LeadTransferee : 0));
    }

    /// <summary>Relays a proposal to the leader (tracked, so it fails at once when that leader is replaced).</summary>
    private void ForwardToLeader(object request, TaskCompletionSource<ProposalOutcome> tcs, CancellationToken ct, bool track)
    {
        if (node.Lead == 0 || node.Lead == selfId || book.RouterOf(node.Lead) is not { } leader || leader.IsNobody())
        {
            tcs.TrySetResult(NotLeader(node.Lead));
            return;
        }
        if (track) forwarded.Add(new ForwardedProposal(node.Term, node.Lead, tcs));
        var timed = request is ForwardProposal ? Metrics : null; // the forward hop of client proposals is measured
        Relay(leader.Ask<ProposalOutcome>(request, forwardTimeout, ct), new RelayState(tcs, timed, groupId, System.Diagnostics.Stopwatch.GetTimestamp()));
    }

    private void ForwardAdminToLeader(LocalAdmin a)
    {
        if (string.IsNullOrEmpty(a.NodeId))
        {
            a.Completion.TrySetResult(Outcome(OutcomeCode.Invalid, "node id is empty"));
            return;
        }
        ForwardToLeader(new ForwardAdmin { GroupId = groupId, Kind = a.Kind, NodeId = a.NodeId }, a.Completion, a.Cancellation, track: false);
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

    private void AdminAsLeader(AdminKind kind, string nodeId, TaskCompletionSource<ProposalOutcome> tcs)
    {
        if (string.IsNullOrEmpty(nodeId))
        {
            tcs.TrySetResult(Outcome(OutcomeCode.Invalid, "node id is empty"));
            return;
        }
        ulong target = RaftIds.FromNodeId(nodeId);
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

    /// <summary>Learns the joiner's address; false when the request is malformed.</summary>
    private bool LearnJoiner(JoinRequest jr)
    {
        if (jr.Member is null || string.IsNullOrEmpty(jr.Member.NodeId) || string.IsNullOrEmpty(jr.Member.RemoteAddress)) return false;
        book.Learn(jr.Member);
        return true;
    }

    /// <summary>A seed that does not lead passes the join request on (at most one hop: the leader does not forward).</summary>
    private void PassJoinToLeader(JoinRequest jr)
    {
        if (!LearnJoiner(jr)) return;
        if (node.Lead != 0 && node.Lead != selfId && book.RouterOf(node.Lead) is { } leader) leader.Tell(jr, Self);
    }

    private void AddJoinerAsLearner(JoinRequest jr)
    {
        if (!LearnJoiner(jr)) return;
        ulong id = RaftIds.FromNodeId(jr.Member.NodeId);
        if (node.Voters.Contains(id) || node.Learners.Contains(id)) return;
        var cc = new ConfChange { Type = ConfChangeType.AddLearner, NodeId = id, Context = jr.Member.ToByteString() };
        if (node.ProposeConfChange(cc) == ProposeResult.Accepted)
        {
            log.Info("Raft group {0}: adding {1} ({2}) as a learner", groupId, jr.Member.NodeId, jr.Member.RemoteAddress);
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
        var local = ((ExtendedActorSystem)Context.System).Provider.DefaultAddress;
        foreach (var seed in context.Seeds)
        {
            if (seed.Host == local.Host && seed.Port == local.Port) continue;
            AddressBook.RouterAt(Context.System, seed).Tell(request, Self);
        }
    }
}
