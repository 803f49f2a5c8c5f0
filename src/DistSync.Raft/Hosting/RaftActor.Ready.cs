using System.Buffers.Binary;
using Akka.Actor;
using Akka.Event;
using DistSync.Raft.Journal;
using DistSync.Raft.Hosting.Wire;
using Google.Protobuf;

namespace DistSync.Raft.Hosting;

// Leader duties and the Ready loop of a RaftActor: persist, send, apply, answer reads, snapshot.
internal sealed partial class RaftActor
{
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
                log.Info("Raft group {0}: promoting learner {1} (match {2}, commit {3})", groupId, book.NodeIdOf(learner), pr.Match, node.CommitIndex);
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
        var hs = rd.HardState;
        bool commitOnly = hs is not null && hs.Term == knownHardState.Term && hs.Vote == knownHardState.Vote;
        if (hs is not null) knownHardState = hs;
        if (rd.SnapshotChunks.Count > 0 || rd.Snapshot is not null || rd.Entries.Count > 0 || (hs is not null && !commitOnly))
        {
            inFlight = rd;
            inFlightHardState = hs ?? deferredHardState; // a newer hard state supersedes the deferred one
            deferredHardState = null;
            StartPersistTimer();
            logActor.Tell(new PersistBatch(rd.SnapshotChunks, rd.Snapshot, rd.Entries, inFlightHardState), Self);
            Become(Persisting);
            return;
        }
        if (hs is not null) DeferHardState(hs);
        FinishReady(rd);
    }

    /// <summary>
    /// A Ready that only moves the commit index forward is not waited for. Raft's commit index is volatile state (a
    /// restarted node learns it again from the leader), and such a Ready holds nothing else that must be durable: no
    /// entries, snapshot, term or vote (every Ready that has them is persisted and acknowledged before its
    /// MessagesAfterPersist leave, so every entry it acknowledges or applies is already on disk). Waiting put a second
    /// fsync on every commit, on the leader (before apply) and on each follower. The commit index rides along with
    /// the next batch that is written anyway, or is written alone after a quiet tick (<see cref="FlushDeferredHardState"/>).
    /// The storage view shows it at once, so a log snapshot never holds a commit below its own index.
    /// </summary>
    private void DeferHardState(HardState hs)
    {
        if (deferredHardState is null) deferredAtTick = ticks;
        deferredHardState = hs;
        storage.SetHardState(hs);
    }

    /// <summary>On a tick: writes a commit index deferred since before the previous tick (nothing else was written since,
    /// so the group is quiet), without waiting for it. Under load the next batch carries it instead.</summary>
    private void FlushDeferredHardState()
    {
        if (deferredHardState is null || inFlight is not null || ticks - deferredAtTick < 2) return;
        logActor.Tell(new PersistBatch([], null, [], deferredHardState, Reply: false), Self);
        deferredHardState = null;
    }

    private void OnBatchPersisted()
    {
        var rd = inFlight!;
        inFlight = null;
        RecordPersisted(rd);
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
        if (inFlightHardState is { } hs) storage.SetHardState(hs);
        inFlightHardState = null;
        // After an install, a log snapshot right away lets the journal drop the chunk events and the install event
        // (taken only now, when the view holds the whole batch: the events it replaces are deleted).
        if (rd.Snapshot is { } installed)
        {
            logActor.Tell(new SaveLogState(storage.ToLogState()), Self);
            log.Info("Raft group {0}: snapshot installed at index {1} (term {2}) from the leader, in term {3}", groupId, installed.Metadata.Index, installed.Metadata.Term, node.Term);
        }
        behaviourRole = node.Role;
        Become(RoleBehaviour());
        FinishReady(rd);
        Stash.UnstashAll();
    }

    private void FinishReady(Ready rd)
    {
        Send(rd.MessagesAfterPersist);
        if (rd.CommittedEntries.Count > 0)
        {
            var applying = System.Diagnostics.Stopwatch.GetTimestamp();
            if (!Apply(rd.CommittedEntries)) return; // stopping: no Advance, nothing more
            Metrics?.Applied(groupId, rd.CommittedEntries.Count, System.Diagnostics.Stopwatch.GetElapsedTime(applying));
        }
        for (int i = 0; i < rd.ReadStates.Count; i++) OnReadState(rd.ReadStates[i]);
        node.Advance();
        CheckLeadership();
        MaybeSnapshot();
        BecomeRole();
        ScheduleFlush();
    }

    /// <summary>While a Ready is written: sends what the core lets leave at once (heartbeats and their answers, the
    /// leader's appends of proposals taken meanwhile).</summary>
    private void SendNow()
    {
        var now = node.TakeMessages();
        if (now.Count > 0) Send(now);
    }

    private void Send(IReadOnlyList<Message> messages)
    {
        for (int i = 0; i < messages.Count; i++)
        {
            var m = messages[i];
            var router = book.RouterOf(m.To);
            if (router is null) continue; // address unknown yet: Raft retries
            var gm = new GroupMessage { GroupId = groupId, Message = m };
            if (context.LinkFaults is { IsActive: true } faults && Faulted(faults, m.To, router, gm)) continue;
            // heartbeats of all groups go out together, one batch per peer (the parent router coalesces them)
            if (m.Type is MessageType.Heartbeat or MessageType.HeartbeatResponse) Context.Parent.Tell(new CoalesceOutgoing(router, gm), Self);
            else router.Tell(gm, Self);
        }
    }

    /// <summary>The fault seam: true when the message was dropped or scheduled for later.</summary>
    private bool Faulted(RaftLinkFaults faults, ulong to, IActorRef router, GroupMessage gm)
    {
        if (faults.ShouldDrop(self.NodeId, book.NodeIdOf(to), out var delay))
        {
            faults.CountDrop();
            return true;
        }
        if (delay <= TimeSpan.Zero) return false;
        Context.System.Scheduler.ScheduleTellOnce(delay, router, gm, Self);
        return true;
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
                LogMembershipChange(e);
                outcome = Outcome(OutcomeCode.Ok, "");
                if (context.Join && IsMember) Timers.Cancel("join");
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
                    log.Error(ex, "Raft group {0}: the state machine failed applying entry {1} (term {2}); STOPPING the group on this node so its replica cannot diverge. Fix the cause and restart the node: it resumes from its journal", groupId, e.Index, e.Term);
                    if (pending.Remove(e.Index, out var failedProposal))
                        failedProposal.Completion.TrySetResult(Outcome(OutcomeCode.ApplyFailed, ex.Message));
                    failed = true;
                    Context.Stop(Self);
                    return false;
                }
                appliedSinceSnapshot++;
                appliedBytesSinceSnapshot += e.Data.Length + EntryOverheadBytes;
            }
            if (pending.Remove(e.Index, out var p))
            {
                if (p.Term == e.Term) RecordCommitted(p.ProposedAt);
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
        ObserveRole();
        if (node.Lead != lastLead)
        {
            lastLead = node.Lead;
            OnLeaderChanged();
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
}
