using Google.Protobuf;

namespace DistSync.Raft.Simulation;

// The host loop of each node, as RaftActor runs it: Ready → send → persist (journal, then the in-memory view) →
// send after persist → apply → Advance → snapshot and compaction; and the crash points in between.
public sealed partial class RaftSimulation
{
    private sealed class SimNode(ulong id)
    {
        public ulong Id { get; } = id;
        /// <summary>What survives a crash. Everything below is volatile.</summary>
        public SimDisk Disk { get; } = new();
        /// <summary>The in-memory view of the disk the core reads (rebuilt from <see cref="Disk"/> at every start); after
        /// a crash it stays as the record of what the node had persisted, to check the next recovery against.</summary>
        public JournaledRaftStorage? Storage;
        public RaftNode? Raft;
        public SimKvStateMachine Sm = new();
        public bool Up;
        public bool Removed;
        /// <summary>Started to join as a learner; false once it appeared in a configuration (or was abandoned).</summary>
        public bool Joining;
        public int Incarnation;
        public long ClockSkewUs;
        /// <summary>The write a crash before persisting threw away; the next recovery must not show any of it.</summary>
        public LostWrite? Lost;
        /// <summary>The Ready whose write is in progress (slow disk), or null.</summary>
        public Ready? Writing;
        public readonly Dictionary<(ulong Client, ulong Seq), ClientOp> Waiting = new();
        public readonly Dictionary<ByteString, ClientOp> ReadsByContext = new();
        public readonly List<ClientOp> ReadsAwaitingApply = new();
    }

    private sealed record LostWrite(HardState? HardState, (long Index, long Term)? LastEntry, SnapshotMetadata? Snapshot);

    private void StartNode(SimNode n)
    {
        var recovered = n.Disk.Recover();
        if (n.Incarnation > 0)
        {
            restarts++;
            if (n.Disk.HasLogState) restartsFromLogSnapshot++;
            if (n.Storage is { } persisted) safety.ObserveRecovery(n.Id, persisted, recovered, n.Disk.LogStateCurrent);
            if (n.Lost is { } lost) CheckLost(n, lost, recovered);
        }
        n.Storage = recovered;
        nodes[n.Id] = n;
        n.Incarnation++;
        n.Raft = new RaftNode(ConfigFor(n.Id), recovered, new Random(options.Seed * 31 + (int)n.Id * 7 + n.Incarnation));
        n.Sm = new SimKvStateMachine();
        var snap = recovered.Snapshot;
        n.Sm.Restore(snap.Data, snap.Metadata.Index);
        if (n.Raft.AppliedIndex != n.Sm.AppliedIndex)
            throw new SimulationViolationException($"node {n.Id} restarted with applied {n.Raft.AppliedIndex} but snapshot at {n.Sm.AppliedIndex}");
        n.Up = true;
        n.ClockSkewUs = rng.Next(-50_000, 50_000);
        Schedule(rng.Next(1, (int)TickUs), new SimEvent(EventKind.Tick, n.Id, n.Incarnation, null, 0, 0, 0));
    }

    /// <summary>The disk model must really lose a write that never happened: none of it may come back.</summary>
    private void CheckLost(SimNode n, LostWrite lost, JournaledRaftStorage recovered)
    {
        n.Lost = null;
        if (lost.HardState is { } hs && recovered.HardState.Equals(hs))
            throw new SimulationViolationException($"disk model: node {n.Id} recovered hard state {hs} it crashed before persisting");
        if (lost.LastEntry is { } e && recovered.TryGetTerm(e.Index, out long t) && t == e.Term)
            throw new SimulationViolationException($"disk model: node {n.Id} recovered entry {e.Index} (term {e.Term}) it crashed before persisting");
        if (lost.Snapshot is { } s && recovered.Snapshot.Metadata.Index == s.Index)
            throw new SimulationViolationException($"disk model: node {n.Id} recovered snapshot {s.Index} it crashed before persisting");
        unpersistedLost++;
    }

    private void DrainAll()
    {
        bool progress = true;
        while (progress)
        {
            progress = false;
            foreach (var n in nodes.Values)
            {
                if (!n.Up || n.Raft is null) continue;
                if (n.Writing is not null)
                {
                    // mid-write: no next Ready, but what may leave at once does (heartbeats, the leader's appends)
                    foreach (var m in n.Raft.TakeMessages())
                    {
                        sentDuringWrites++;
                        SendMessage(m);
                    }
                    continue;
                }
                while (n.Up && n.Raft is not null && n.Writing is null && n.Raft.HasReady())
                {
                    HandleReady(n);
                    progress = true;
                }
            }
        }
    }

    private void HandleReady(SimNode n)
    {
        var raft = n.Raft!;
        var rd = raft.GetReady();
        foreach (var m in rd.Messages) SendMessage(m);
        bool persist = rd.SnapshotChunks.Count > 0 || rd.Snapshot is not null || rd.Entries.Count > 0 || rd.HardState is not null;
        if (persist && (options.SlowDisk ?? options.Seed % 2 != 0))
        {
            n.Writing = rd;
            Schedule(200 + rng.Next((int)(3 * TickUs)), new SimEvent(EventKind.WriteDone, n.Id, n.Incarnation, null, 0, 0, 0));
            return;
        }
        FinishReady(n, rd, persist);
    }

    /// <summary>The rest of a Ready, once its write may happen: crash points, persist, send after, apply, Advance.</summary>
    private void FinishReady(SimNode n, Ready rd, bool persist)
    {
        var raft = n.Raft!;
        if (persist)
        {
            if (options.Faults && rng.Next(400) == 0)
            {
                n.Lost = new LostWrite(rd.HardState, rd.Entries.Count > 0 ? (rd.Entries[^1].Index, rd.Entries[^1].Term) : null, rd.Snapshot?.Metadata);
                Log($"crash {n.Id} before persisting (sent {rd.Messages.Count} messages; lost: hard state {rd.HardState}, {rd.Entries.Count} entries, snapshot {rd.Snapshot?.Metadata.Index})");
                crashesBeforePersist++;
                Crash(n);
                return;
            }
            Persist(n, rd);
        }
        if (options.Faults && (persist || rd.CommittedEntries.Count > 0) && rng.Next(400) == 0)
        {
            // Durable, but nothing after it happened: committed entries stay unapplied, Advance is never called.
            bool acknowledged = rng.Next(2) == 0;
            if (acknowledged) foreach (var m in rd.MessagesAfterPersist) SendMessage(m);
            Log($"crash {n.Id} after persisting, before applying {rd.CommittedEntries.Count} committed entries ({(acknowledged ? "" : "not ")}acknowledged)");
            crashesAfterPersist++;
            Crash(n);
            return;
        }
        foreach (var m in rd.MessagesAfterPersist) SendMessage(m);

        foreach (var e in rd.CommittedEntries)
        {
            safety.ObserveApplied(n.Id, e);
            var result = n.Sm.Apply(e, out bool unknownSession);
            foreach (ulong expired in n.Sm.LastExpired) sessionsExpired.Add((e.Index, expired));
            if (e.Index > maxCommit) maxCommit = e.Index;
            if (e.Type == EntryType.ConfChange) OnConfChangeApplied(n, e);
            if ((result is not null || unknownSession) && n.Waiting.Remove((e.ClientId, e.Sequence), out var op))
            {
                if (unknownSession) OnUnknownSession(op);
                else Complete(op, result!);
            }
            if (!n.Up) break; // removed itself
        }
        foreach (var rs in rd.ReadStates)
        {
            if (n.ReadsByContext.Remove(rs.Context, out var op) && !op.Done)
            {
                op.ReadIndex = rs.Index;
                n.ReadsAwaitingApply.Add(op);
            }
        }
        if (n.Raft is null) return;
        raft.Advance();

        for (int i = n.ReadsAwaitingApply.Count - 1; i >= 0; i--)
        {
            var op = n.ReadsAwaitingApply[i];
            if (op.Done) { n.ReadsAwaitingApply.RemoveAt(i); continue; }
            if (op.ReadIndex <= n.Sm.AppliedIndex)
            {
                n.ReadsAwaitingApply.RemoveAt(i);
                Complete(op, n.Sm.Read(op.Key));
            }
        }
        MaybeSnapshot(n);
    }

    /// <summary>The journal write first (one atomic batch), then the in-memory view, as RaftActor.OnBatchPersisted.</summary>
    private void Persist(SimNode n, Ready rd)
    {
        var storage = n.Storage!;
        n.Disk.Persist(rd.SnapshotChunks, rd.Snapshot, rd.Entries, rd.HardState);
        foreach (var chunk in rd.SnapshotChunks) storage.WriteSnapshotChunk(chunk);
        if (rd.Snapshot is { } snap)
        {
            safety.ObserveSnapshotInstalled(n.Id, snap.Metadata);
            storage.ApplySnapshot(snap);
            n.Sm.Restore(snap.Data, snap.Metadata.Index);
            snapshotsInstalled++;
            Log($"node {n.Id} installs snapshot at {snap.Metadata.Index}");
        }
        if (rd.Entries.Count > 0)
        {
            long prevTerm = -1;
            for (int i = 0; i < rd.Entries.Count; i++)
            {
                var e = rd.Entries[i];
                long pt;
                if (i > 0) pt = prevTerm;
                else if (e.Index - 1 == 0) pt = 0;
                else if (!storage.TryGetTerm(e.Index - 1, out pt))
                    throw new SimulationViolationException($"node {n.Id} persists entry {e.Index} without its predecessor in storage");
                safety.ObservePersisted(n.Id, e, pt);
                prevTerm = e.Term;
            }
            storage.Append(rd.Entries);
        }
        if (rd.HardState is { } hs)
        {
            storage.SetHardState(hs);
            safety.ObservePersistedHardState(n.Id, hs);
        }
        // as RaftActor.OnBatchPersisted: a log snapshot right after an install replaces the chunk and install events
        if (rd.Snapshot is not null) n.Disk.SaveLogState(storage.ToLogState());
    }

    /// <summary>
    /// Snapshot the state machine every few entries and compact, keeping a tail below the snapshot as the host does
    /// (RaftActor.MaybeSnapshot), then write the log snapshot; sometimes that write is lost (the journal keeps all).
    /// </summary>
    private void MaybeSnapshot(SimNode n)
    {
        var storage = n.Storage!;
        long applied = n.Sm.AppliedIndex;
        if (applied - storage.Snapshot.Metadata.Index < options.SnapshotEvery || applied > storage.LastIndex) return;
        storage.CreateSnapshot(applied, n.Raft!.ConfState, n.Sm.Snapshot());
        long compactTo = applied - options.SnapshotEvery / 4;
        if (compactTo > storage.FirstIndex - 1) storage.Compact(compactTo);
        if (options.Faults && rng.Next(30) == 0)
        {
            n.Disk.LogStateLost();
            logSnapshotsLost++;
            Log($"node {n.Id} snapshot at {applied}, log from {storage.FirstIndex}; the log snapshot write is lost ({n.Disk.EventCount} events stay)");
            return;
        }
        n.Disk.SaveLogState(storage.ToLogState());
        Log($"node {n.Id} snapshot at {applied}, log from {storage.FirstIndex}");
    }

    private void OnConfChangeApplied(SimNode n, Entry e)
    {
        var cc = ConfChange.Parser.ParseFrom(e.Data);
        nodes.TryGetValue(cc.NodeId, out var target);
        if (cc.Type != ConfChangeType.Remove)
        {
            if (target is not null) target.Joining = false; // it is a member now
            return;
        }
        // An operator shuts a removed member down once its removal is committed; its id is never reused.
        if (target is not null && !target.Removed)
        {
            target.Removed = true;
            Log($"node {cc.NodeId} removed (applied at {e.Index} on {n.Id}); shutting it down");
            if (target.Up) Shutdown(target);
        }
    }

    private void SendMessage(Message m)
    {
        safety.ObserveSent(m);
        if (options.Faults && rng.Next(100) < 3) { Log($"lose {Describe(m)}"); return; }
        int copies = options.Faults && rng.Next(100) < 2 ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            long delay;
            int r = rng.Next(100);
            if (r < 80) delay = 300 + rng.Next(2500);
            else if (r < 95 || !options.Faults) delay = 3000 + rng.Next(12_000);
            else delay = 20_000 + rng.Next(60_000);
            Schedule(delay, new SimEvent(EventKind.Deliver, 0, 0, m.Clone(), 0, 0, 0));
        }
    }

    private void Crash(SimNode n)
    {
        crashes++;
        Shutdown(n);
    }

    /// <summary>Volatile state is gone; the disk and the last view (the record of what was persisted) stay.</summary>
    private void Shutdown(SimNode n)
    {
        if (n.Writing is { } rd)
        {
            // down mid-write: the write never reached the disk, and the next recovery must show none of it
            n.Lost ??= new LostWrite(rd.HardState, rd.Entries.Count > 0 ? (rd.Entries[^1].Index, rd.Entries[^1].Term) : null, rd.Snapshot?.Metadata);
            n.Writing = null;
        }
        n.Up = false;
        n.Raft = null;
        n.Waiting.Clear();
        n.ReadsByContext.Clear();
        n.ReadsAwaitingApply.Clear();
    }
}
