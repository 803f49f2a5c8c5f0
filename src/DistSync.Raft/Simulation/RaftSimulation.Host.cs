using Google.Protobuf;

namespace DistSync.Raft.Simulation;

// The host loop of each node, as RaftActor runs it: Ready → send → persist → send after persist → apply → Advance →
// snapshot and compaction; and the crash points in between.
public sealed partial class RaftSimulation
{
    private sealed class SimNode(ulong id, MemoryRaftStorage storage)
    {
        public ulong Id { get; } = id;
        public MemoryRaftStorage Storage { get; } = storage;
        public RaftNode? Raft;
        public SimKvStateMachine Sm = new();
        public bool Up;
        public bool Removed;
        public int Incarnation;
        public long ClockSkewUs;
        public readonly Dictionary<(ulong Client, ulong Seq), ClientOp> Waiting = new();
        public readonly Dictionary<ByteString, ClientOp> ReadsByContext = new();
        public readonly List<ClientOp> ReadsAwaitingApply = new();
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
                while (n.Up && n.Raft is not null && n.Raft.HasReady())
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
        if (options.Faults && (rd.Entries.Count > 0 || rd.HardState is not null) && rng.Next(400) == 0)
        {
            Log($"crash {n.Id} before persisting (sent {rd.Messages.Count} messages)");
            Crash(n);
            return;
        }
        if (rd.Snapshot is { } snap)
        {
            safety.ObserveSnapshotInstalled(n.Id, snap.Metadata);
            n.Storage.ApplySnapshot(snap);
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
                else if (!n.Storage.TryGetTerm(e.Index - 1, out pt))
                    throw new SimulationViolationException($"node {n.Id} persists entry {e.Index} without its predecessor in storage");
                safety.ObservePersisted(n.Id, e, pt);
                prevTerm = e.Term;
            }
            n.Storage.Append(rd.Entries);
        }
        if (rd.HardState is { } hs) n.Storage.SetHardState(hs);
        foreach (var m in rd.MessagesAfterPersist) SendMessage(m);

        foreach (var e in rd.CommittedEntries)
        {
            safety.ObserveApplied(n.Id, e);
            var result = n.Sm.Apply(e);
            if (e.Index > maxCommit) maxCommit = e.Index;
            if (e.Type == EntryType.ConfChange) OnConfChangeApplied(n, e);
            if (result is not null && n.Waiting.Remove((e.ClientId, e.Sequence), out var op)) Complete(op, result);
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

        // Log compaction: snapshot the state machine every few entries, keep a random tail.
        long applied = n.Sm.AppliedIndex;
        if (applied - n.Storage.Snapshot.Metadata.Index >= options.SnapshotEvery && applied <= n.Storage.LastIndex)
        {
            n.Storage.CreateSnapshot(applied, raft.ConfState, n.Sm.Snapshot());
            long compactTo = applied - rng.Next(0, 5);
            if (compactTo > n.Storage.FirstIndex) n.Storage.Compact(compactTo);
            Log($"node {n.Id} snapshot at {applied}, log from {n.Storage.FirstIndex}");
        }
    }

    private void OnConfChangeApplied(SimNode n, Entry e)
    {
        var cc = ConfChange.Parser.ParseFrom(e.Data);
        if (cc.Type != ConfChangeType.Remove) return;
        // An operator shuts a removed member down once its removal is committed; its id is never reused.
        if (nodes.TryGetValue(cc.NodeId, out var removed) && !removed.Removed)
        {
            removed.Removed = true;
            Log($"node {cc.NodeId} removed (applied at {e.Index} on {n.Id}); shutting it down");
            if (removed.Up) Shutdown(removed);
        }
    }

    private void SendMessage(Message m)
    {
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

    private void Shutdown(SimNode n)
    {
        n.Up = false;
        n.Raft = null;
        n.Waiting.Clear();
        n.ReadsByContext.Clear();
        n.ReadsAwaitingApply.Clear();
    }
}
