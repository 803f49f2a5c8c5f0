using Google.Protobuf;

namespace DistSync.Raft.Simulation;

/// <summary>
/// Deterministic simulator (test support): N <see cref="RaftNode"/>s over a seeded network with delays, drops,
/// duplicates, reordering and asymmetric partitions; crashes at rest, before a Ready is persisted (its write is
/// lost; the leader may have sent its appends already) and between persisting and applying it; restarts that
/// rebuild the storage from the node's journaled disk (<see cref="SimDisk"/>, the hosted node's format);
/// membership changes throughout, also right after failovers; leader transfers; and a client workload (put / get /
/// compare-and-set over a few keys, in sessions that expire, with retries) against a replicated key-value state
/// machine. After every step <see cref="SafetyMonitor"/> checks the five Raft safety properties and the invariants
/// of every node, whatever its role; at the end the client history is checked for linearizability via
/// <see cref="SimulationOptions.CheckHistory"/>. The same seed always replays the same run; turn on
/// <see cref="SimulationOptions.Trace"/> to read it (tracing never changes the run).
/// </summary>
public sealed partial class RaftSimulation
{
    private const long TickUs = 10_000;
    private static readonly string[] Keys = { "a", "b", "c" };

    private enum EventKind { Tick, Deliver, ClientWake, AttemptTimeout, ClientRetry, Fault, ConfProbe, WriteDone }

    /// <summary>One queued event. A conf probe carries the leader's term in <paramref name="Value"/> and its tries left in <paramref name="OpId"/>.</summary>
    private readonly record struct SimEvent(EventKind Kind, ulong Node, int Incarnation, Message? Message, int Client, int OpId, int Attempt, long Value = 0);

    private readonly SimulationOptions options;
    private readonly Random rng;
    private readonly PriorityQueue<SimEvent, (long, long)> queue = new();
    private readonly SortedDictionary<ulong, SimNode> nodes = new();
    private readonly HashSet<(ulong From, ulong To)> cutLinks = new();
    private readonly SafetyMonitor safety = new();
    private readonly List<string> trace = new();
    private long now;
    private long sequence;
    private ulong nextNodeId;
    private long lastLeaderTerm;

    // coverage: what the run actually exercised
    private int sentDuringWrites;
    private int crashes, crashesBeforePersist, crashesAfterPersist, unpersistedLost, restarts, restartsFromLogSnapshot, logSnapshotsLost;
    private int confChanges, confChangesAfterLeaderChange, confChangesRefusedPending, snapshotsInstalled, completed, unknownSessionAnswers;
    private readonly HashSet<(long Index, ulong Client)> sessionsExpired = new();
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
            SimulatedMs = now / 1000,
            Violation = violation,
            Trace = trace,
            History = ops,
            Elections = safety.Elections,
            MaxCommitIndex = maxCommit,
            CompletedOperations = completed,
            Crashes = crashes,
            CrashesBeforePersist = crashesBeforePersist,
            CrashesAfterPersist = crashesAfterPersist,
            UnpersistedLost = unpersistedLost,
            SentDuringWrites = sentDuringWrites,
            Restarts = restarts,
            RestartsFromLogSnapshot = restartsFromLogSnapshot,
            LogSnapshotsLost = logSnapshotsLost,
            ConfChanges = confChanges,
            ConfChangesAfterLeaderChange = confChangesAfterLeaderChange,
            ConfChangesRefusedPending = confChangesRefusedPending,
            SnapshotsInstalled = snapshotsInstalled,
            SessionsExpired = sessionsExpired.Count,
            UnknownSessionAnswers = unknownSessionAnswers,
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
        foreach (ulong id in founders)
        {
            var n = new SimNode(id);
            WriteBootstrap(n.Disk, founders);
            StartNode(n);
        }
        for (int c = 0; c < options.Clients; c++)
        {
            clients.Add(new SimClient(c));
            Schedule(rng.Next(1000, 30_000), new SimEvent(EventKind.ClientWake, 0, 0, null, c, 0, 0));
        }
        if (options.Faults) Schedule(NextFaultDelay(), new SimEvent(EventKind.Fault, 0, 0, null, 0, 0, 0));
        Log($"setup seed={options.Seed} prevote={PreVote} checkquorum={CheckQuorum} voters={string.Join(",", founders)}");
    }

    /// <summary>
    /// As a hosted founding member with an empty journal: the same committed add-voter entries 1..n of term 1 on
    /// every founder, written as one batch, so a node added later learns the whole configuration from the log.
    /// </summary>
    private static void WriteBootstrap(SimDisk disk, ulong[] voters)
    {
        var entries = new List<Entry>(voters.Length);
        for (int i = 0; i < voters.Length; i++)
        {
            var cc = new ConfChange { Type = ConfChangeType.AddVoter, NodeId = voters[i] };
            entries.Add(new Entry { Index = i + 1, Term = 1, Type = EntryType.ConfChange, Data = cc.ToByteString() });
        }
        disk.Persist([], null, entries, new HardState { Term = 1, Commit = voters.Length });
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
            case EventKind.ClientRetry:
                ClientRetry(clients[ev.Client], ev.OpId, ev.Attempt);
                break;
            case EventKind.Fault:
                InjectFault();
                Schedule(NextFaultDelay(), ev);
                break;
            case EventKind.ConfProbe:
                ConfProbe(ev);
                break;
            case EventKind.WriteDone:
                if (!nodes.TryGetValue(ev.Node, out var wn) || !wn.Up || wn.Incarnation != ev.Incarnation || wn.Writing is not { } written) return;
                wn.Writing = null;
                FinishReady(wn, written, persist: true);
                break;
        }
    }

    private long NextFaultDelay() => 20_000 + rng.Next(80_000);

    // ---------------------------------------------------------------- invariants and trace

    private void CheckInvariants()
    {
        foreach (var n in nodes.Values)
        {
            if (!n.Up || n.Raft is not { } r) continue;
            safety.ObserveNode(r, n.Incarnation, n.Sm.AppliedIndex);
            if (r.Role == RaftRole.Leader && r.Term > lastLeaderTerm)
            {
                lastLeaderTerm = r.Term;
                OnNewLeader(n, r.Term);
            }
        }
    }

    private void Log(string line)
    {
        if (options.Trace) trace.Add($"{now / 1000.0,9:F3}ms {line}");
    }

    private static string Describe(Message m) =>
        $"{m.Type} {m.From}->{m.To} term={m.Term} idx={m.Index} logTerm={m.LogTerm} n={m.Entries.Count} commit={m.Commit}{(m.Reject ? " REJECT hint=" + m.RejectHint : "")}";
}
