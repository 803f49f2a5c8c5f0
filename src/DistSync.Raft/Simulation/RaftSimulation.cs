using Google.Protobuf;

namespace DistSync.Raft.Simulation;

/// <summary>
/// Deterministic simulator (test support): N <see cref="RaftNode"/>s over a seeded network with delays,
/// drops, duplicates, reordering and asymmetric partitions; crashes (volatile state lost, storage kept, also
/// between sending the leader's appends and persisting them) and restarts; membership changes; leader
/// transfers; and a client workload (put / get / compare-and-set over a few keys, with sessions and retries)
/// against a replicated key-value state machine. After every step the five Raft safety properties are checked;
/// at the end the client history is checked for linearizability via <see cref="SimulationOptions.CheckHistory"/>.
/// The same seed always replays the same run; turn on <see cref="SimulationOptions.Trace"/> to read it.
/// </summary>
public sealed class RaftSimulation
{
    private const long TickUs = 10_000;
    private static readonly string[] Keys = { "a", "b", "c" };

    private enum EventKind { Tick, Deliver, ClientWake, AttemptTimeout, Fault }

    private readonly record struct SimEvent(EventKind Kind, ulong Node, int Incarnation, Message? Message, int Client, int OpId, int Attempt);

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

    private sealed class ClientOp
    {
        public int Id;
        public SimKvOperationKind Kind;
        public bool IsOpen;
        public bool ViaReadIndex;
        public string Key = "";
        public string? Value;
        public long Expected;
        public ulong Seq;
        public long Deadline;
        public int Attempt;
        public ulong Node;
        public long ReadIndex = -1;
        public int HistorySlot = -1;
        public bool Done;
    }

    private sealed class SimClient(int id)
    {
        public int Id { get; } = id;
        public ulong ClientId => (ulong)(1000 + Id);
        public ulong Seq;
        public bool Opened;
        public ClientOp? Current;
        public ulong LeaderHint;
    }

    private readonly SimulationOptions options;
    private readonly Random rng;
    private readonly PriorityQueue<SimEvent, (long, long)> queue = new();
    private readonly SortedDictionary<ulong, SimNode> nodes = new();
    private readonly HashSet<(ulong From, ulong To)> cutLinks = new();
    private readonly List<SimClient> clients = new();
    private readonly List<SimKvOperation?> history = new();
    private readonly List<(int Client, SimKvOperationKind Kind, string Key, string? Value, long Expected, long Call)> calls = new();
    private readonly SafetyMonitor safety = new();
    private readonly List<string> trace = new();
    private long now;
    private long sequence;
    private long historyClock;
    private int nextOpId;
    private ulong nextNodeId;
    private int crashes, confChanges, snapshotsInstalled, completed;
    private long maxCommit;

    public RaftSimulation(SimulationOptions options)
    {
        this.options = options;
        rng = new Random(options.Seed);
    }

    /// <summary>Runs the simulation; never throws for a violation (it is in the result).</summary>
    public SimulationResult Run()
    {
        string? violation = null;
        int step = 0;
        try
        {
            Setup();
            for (; step < options.Steps && queue.Count > 0; step++)
            {
                queue.TryDequeue(out var ev, out var at);
                now = at.Item1;
                ProcessEvent(ev);
                DrainAll();
                CheckInvariants();
            }
        }
        catch (SimulationViolationException e)
        {
            violation = $"step {step}, t={now / 1000.0:F1}ms: {e.Message}";
        }
        catch (Exception e)
        {
            violation = $"step {step}, t={now / 1000.0:F1}ms: exception {e}";
        }

        var ops = BuildHistory();
        if (violation is null && options.CheckHistory is { } check)
        {
            string? report = check(ops);
            if (report is not null) violation = "linearizability: " + report;
        }
        return new SimulationResult
        {
            Seed = options.Seed,
            Steps = step,
            Violation = violation,
            Trace = trace,
            History = ops,
            Elections = safety.Elections,
            MaxCommitIndex = maxCommit,
            CompletedOperations = completed,
            Crashes = crashes,
            ConfChanges = confChanges,
            SnapshotsInstalled = snapshotsInstalled,
        };
    }

    // ---------------------------------------------------------------- setup and events

    private bool PreVote { get; set; }
    private bool CheckQuorum { get; set; }

    private void Setup()
    {
        // Vary the protocol options by seed so every combination gets exercised.
        PreVote = rng.Next(4) != 0;
        CheckQuorum = rng.Next(4) != 0;
        var founders = new ulong[options.InitialVoters];
        for (int i = 0; i < founders.Length; i++) founders[i] = (ulong)(i + 1);
        nextNodeId = (ulong)founders.Length + 1;
        foreach (ulong id in founders) StartNode(new SimNode(id, new MemoryRaftStorage(founders)));
        for (int c = 0; c < options.Clients; c++)
        {
            clients.Add(new SimClient(c));
            Schedule(rng.Next(1000, 30_000), new SimEvent(EventKind.ClientWake, 0, 0, null, c, 0, 0));
        }
        if (options.Faults) Schedule(NextFaultDelay(), new SimEvent(EventKind.Fault, 0, 0, null, 0, 0, 0));
        Log($"setup seed={options.Seed} prevote={PreVote} checkquorum={CheckQuorum} voters={string.Join(",", founders)}");
    }

    private RaftConfig ConfigFor(ulong id) => new()
    {
        Id = id,
        ElectionTick = 10,
        HeartbeatTick = 2,
        MaxEntriesPerMsg = 1 + rng.Next(8),
        MaxSizePerMsg = 64 + rng.Next(512),
        MaxInflightMsgs = 1 + rng.Next(6),
        SnapshotChunkSize = 16 + rng.Next(200),
        PreVote = PreVote,
        CheckQuorum = CheckQuorum,
    };

    private void StartNode(SimNode n)
    {
        nodes[n.Id] = n;
        n.Incarnation++;
        n.Raft = new RaftNode(ConfigFor(n.Id), n.Storage, new Random(options.Seed * 31 + (int)n.Id * 7 + n.Incarnation));
        n.Sm = new SimKvStateMachine();
        var snap = n.Storage.Snapshot;
        n.Sm.Restore(snap.Data, snap.Metadata.Index);
        if (n.Raft.AppliedIndex != n.Sm.AppliedIndex)
            throw new SimulationViolationException($"node {n.Id} restarted with applied {n.Raft.AppliedIndex} but snapshot at {n.Sm.AppliedIndex}");
        n.Up = true;
        n.ClockSkewUs = rng.Next(-50_000, 50_000);
        Schedule(rng.Next(1, (int)TickUs), new SimEvent(EventKind.Tick, n.Id, n.Incarnation, null, 0, 0, 0));
    }

    private void Schedule(long delayUs, SimEvent ev) => queue.Enqueue(ev, (now + Math.Max(1, delayUs), sequence++));

    private void ProcessEvent(SimEvent ev)
    {
        switch (ev.Kind)
        {
            case EventKind.Tick:
                if (!nodes.TryGetValue(ev.Node, out var tn) || !tn.Up || tn.Incarnation != ev.Incarnation) return;
                tn.Raft!.Tick();
                Schedule(TickUs, ev);
                break;
            case EventKind.Deliver:
                var m = ev.Message!;
                if (cutLinks.Contains((m.From, m.To))) { Log($"drop(partition) {Describe(m)}"); return; }
                if (!nodes.TryGetValue(m.To, out var dn) || !dn.Up) return;
                Log($"deliver {Describe(m)}");
                dn.Raft!.Step(m);
                break;
            case EventKind.ClientWake:
                ClientWake(clients[ev.Client]);
                break;
            case EventKind.AttemptTimeout:
                AttemptTimeout(clients[ev.Client], ev.OpId, ev.Attempt);
                break;
            case EventKind.Fault:
                InjectFault();
                Schedule(NextFaultDelay(), ev);
                break;
        }
    }

    private long NextFaultDelay() => 20_000 + rng.Next(80_000);

    // ---------------------------------------------------------------- the host loop of each node

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
        foreach (var chunk in rd.SnapshotChunks) n.Storage.WriteSnapshotChunk(chunk);
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

    // ---------------------------------------------------------------- faults

    private void InjectFault()
    {
        int r = rng.Next(100);
        var members = new List<SimNode>();
        foreach (var n in nodes.Values) if (!n.Removed) members.Add(n);
        if (r < 18)
        {
            // asymmetric partitions: isolate a node, cut one direction, or split the cluster in two
            var victim = members[rng.Next(members.Count)];
            int kind = rng.Next(3);
            foreach (var other in members)
            {
                if (other.Id == victim.Id) continue;
                if (kind == 0 || kind == 1) cutLinks.Add((victim.Id, other.Id));
                if (kind == 0 || kind == 2 || (kind == 1 && rng.Next(2) == 0)) cutLinks.Add((other.Id, victim.Id));
            }
            Log($"partition around {victim.Id} kind={kind}: cut {string.Join(" ", cutLinks.Select(l => $"{l.From}->{l.To}"))}");
        }
        else if (r < 38)
        {
            cutLinks.Clear();
            Log("heal");
        }
        else if (r < 52)
        {
            var up = members.FindAll(n => n.Up);
            if (up.Count > 1)
            {
                var victim = up[rng.Next(up.Count)];
                Log($"crash {victim.Id}");
                Crash(victim);
            }
        }
        else if (r < 70)
        {
            var down = members.FindAll(n => !n.Up);
            if (down.Count > 0)
            {
                var n = down[rng.Next(down.Count)];
                Log($"restart {n.Id}");
                StartNode(n);
            }
        }
        else if (r < 85)
        {
            ProposeMembershipChange(members);
        }
        else if (r < 95)
        {
            var leader = CurrentLeader();
            if (leader?.Raft is { } raft)
            {
                var candidates = new List<ulong>();
                foreach (ulong v in raft.Voters) if (v != leader.Id) candidates.Add(v);
                candidates.Sort();
                if (candidates.Count > 0)
                {
                    ulong to = candidates[rng.Next(candidates.Count)];
                    Log($"transfer leadership {leader.Id} -> {to}: {raft.TransferLeader(to)}");
                }
            }
        }
    }

    private void ProposeMembershipChange(List<SimNode> members)
    {
        var leader = CurrentLeader();
        if (leader?.Raft is not { } raft) return;
        var voters = new List<ulong>(raft.Voters);
        voters.Sort();
        var learners = new List<ulong>(raft.Learners);
        learners.Sort();
        var choices = new List<ConfChange>();
        if (learners.Count > 0 && voters.Count < options.MaxVoters)
            choices.Add(new ConfChange { Type = ConfChangeType.AddVoter, NodeId = learners[0] });
        if (learners.Count == 0 && voters.Count < options.MaxVoters)
            choices.Add(new ConfChange { Type = ConfChangeType.AddLearner, NodeId = nextNodeId });
        if (voters.Count > 3 || (voters.Count == 3 && options.MaxVoters > 3 && rng.Next(3) == 0))
            choices.Add(new ConfChange { Type = ConfChangeType.Remove, NodeId = voters[rng.Next(voters.Count)] });
        if (choices.Count == 0) return;
        var cc = choices[rng.Next(choices.Count)];
        var result = raft.ProposeConfChange(cc);
        Log($"conf change on leader {leader.Id}: {cc.Type} {cc.NodeId} -> {result}");
        if (result != ProposeResult.Accepted) return;
        confChanges++;
        if (cc.Type == ConfChangeType.AddLearner)
        {
            nextNodeId++;
            StartNode(new SimNode(cc.NodeId, new MemoryRaftStorage())); // joins empty; learns everything from the leader
        }
    }

    private SimNode? CurrentLeader()
    {
        SimNode? best = null;
        foreach (var n in nodes.Values)
        {
            if (n.Up && n.Raft is { Role: RaftRole.Leader } r && (best is null || r.Term > best.Raft!.Term)) best = n;
        }
        return best;
    }

    // ---------------------------------------------------------------- clients

    private void ClientWake(SimClient c)
    {
        if (c.Current is not null) return;
        var op = new ClientOp { Id = ++nextOpId, Deadline = now + 400_000 + rng.Next(400_000) };
        if (!c.Opened)
        {
            op.IsOpen = true;
            op.Seq = ++c.Seq;
            op.Deadline = long.MaxValue;
        }
        else
        {
            string key = Keys[rng.Next(Keys.Length)];
            op.Key = key;
            int r = rng.Next(100);
            if (r < 35)
            {
                op.Kind = SimKvOperationKind.Put;
                op.Value = $"c{c.Id}-{op.Id}";
            }
            else if (r < 60)
            {
                op.Kind = SimKvOperationKind.CompareAndSet;
                op.Value = $"c{c.Id}-{op.Id}";
                op.Expected = LastSeenVersion(key);
            }
            else
            {
                op.Kind = SimKvOperationKind.Get;
                op.ViaReadIndex = r >= 80;
            }
            if (!op.ViaReadIndex) op.Seq = ++c.Seq;
            op.HistorySlot = history.Count;
            history.Add(null);
            calls.Add((c.Id, op.Kind, op.Key, op.Value, op.Expected, ++historyClock));
        }
        c.Current = op;
        Attempt(c, op);
    }

    private long LastSeenVersion(string key)
    {
        // a plausible expected version: the one from the latest completed operation on the key, else 0
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (history[i] is { } h && h.Key == key && h.Result is { Ok: true } res && res.Version > 0) return rng.Next(4) == 0 ? res.Version + 1 : res.Version;
        }
        return 0;
    }

    private void Attempt(SimClient c, ClientOp op)
    {
        op.Attempt++;
        var target = PickNode(c);
        bool accepted = false;
        if (target?.Raft is { } raft)
        {
            op.Node = target.Id;
            ProposeResult result;
            if (op.ViaReadIndex)
            {
                var ctx = ByteString.CopyFromUtf8($"r{op.Id}.{op.Attempt}");
                result = raft.ReadIndex(ctx);
                if (result == ProposeResult.Accepted) target.ReadsByContext[ctx] = op;
            }
            else
            {
                byte kind = op.IsOpen ? SimKvStateMachine.OpOpen
                    : op.Kind switch
                    {
                        SimKvOperationKind.Get => SimKvStateMachine.OpGet,
                        SimKvOperationKind.Put => SimKvStateMachine.OpPut,
                        _ => SimKvStateMachine.OpCas,
                    };
                var data = SimKvStateMachine.Encode(kind, op.Key, op.Value, op.Expected);
                long stamp = (now + target.ClockSkewUs) / 1000;
                result = raft.Propose(data, c.ClientId, op.Seq, stamp);
                if (result == ProposeResult.Accepted) target.Waiting[(c.ClientId, op.Seq)] = op;
            }
            accepted = result == ProposeResult.Accepted;
            if (!accepted && raft.Lead != 0 && raft.Lead != target.Id) c.LeaderHint = raft.Lead;
            Log($"client {c.Id} op {op.Id} attempt {op.Attempt} at {target.Id}: {result}");
        }
        Schedule(accepted ? 60_000 + rng.Next(60_000) : 5_000 + rng.Next(10_000),
            new SimEvent(EventKind.AttemptTimeout, 0, 0, null, c.Id, op.Id, op.Attempt));
    }

    private SimNode? PickNode(SimClient c)
    {
        if (c.LeaderHint != 0 && nodes.TryGetValue(c.LeaderHint, out var hinted) && hinted.Up && rng.Next(5) != 0) return hinted;
        var up = new List<SimNode>();
        foreach (var n in nodes.Values) if (n.Up && !n.Removed) up.Add(n);
        if (up.Count == 0) return null;
        var pick = up[rng.Next(up.Count)];
        c.LeaderHint = pick.Id;
        return pick;
    }

    private void AttemptTimeout(SimClient c, int opId, int attempt)
    {
        var op = c.Current;
        if (op is null || op.Id != opId || op.Attempt != attempt || op.Done) return;
        if (nodes.TryGetValue(op.Node, out var old))
        {
            old.Waiting.Remove((c.ClientId, op.Seq));
        }
        if (now >= op.Deadline)
        {
            // give up: the outcome stays unknown in the history (the command may still be applied later)
            op.Done = true;
            c.Current = null;
            Log($"client {c.Id} op {op.Id} timed out");
            Schedule(1000 + rng.Next(20_000), new SimEvent(EventKind.ClientWake, 0, 0, null, c.Id, 0, 0));
            return;
        }
        c.LeaderHint = 0;
        Attempt(c, op); // same sequence number: the session table makes the retry exactly-once
    }

    private void Complete(ClientOp op, SimKvResult result)
    {
        if (op.Done) return;
        op.Done = true;
        var c = clients.Find(x => x.Current == op);
        if (c is null) return;
        c.Current = null;
        if (op.IsOpen) c.Opened = true;
        else
        {
            var call = calls[op.HistorySlot];
            history[op.HistorySlot] = new SimKvOperation(call.Client, call.Kind, call.Key, call.Value, call.Expected, call.Call, ++historyClock, result);
            completed++;
        }
        Log($"client {c.Id} op {op.Id} -> {result}");
        Schedule(1000 + rng.Next(20_000), new SimEvent(EventKind.ClientWake, 0, 0, null, c.Id, 0, 0));
    }

    private List<SimKvOperation> BuildHistory()
    {
        var ops = new List<SimKvOperation>(history.Count);
        for (int i = 0; i < history.Count; i++)
        {
            if (history[i] is { } h) ops.Add(h);
            else
            {
                var call = calls[i];
                ops.Add(new SimKvOperation(call.Client, call.Kind, call.Key, call.Value, call.Expected, call.Call, long.MaxValue, null));
            }
        }
        return ops;
    }

    // ---------------------------------------------------------------- invariants and trace

    private void CheckInvariants()
    {
        foreach (var n in nodes.Values)
        {
            if (n.Up && n.Raft is { } r) safety.ObserveNode(r);
        }
    }

    private void Log(string line)
    {
        if (options.Trace) trace.Add($"{now / 1000.0,9:F3}ms {line}");
    }

    private static string Describe(Message m) =>
        $"{m.Type} {m.From}->{m.To} term={m.Term} idx={m.Index} logTerm={m.LogTerm} n={m.Entries.Count} commit={m.Commit}{(m.Reject ? " REJECT hint=" + m.RejectHint : "")}";
}
