using Google.Protobuf;

namespace DistSync.Raft.Simulation;

// The client workload: one operation at a time per client, in a session (client id + sequence number) that
// expires when the client stays away longer than the session timeout; retries, redirects, give-ups.
public sealed partial class RaftSimulation
{
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
        /// <summary>Proposals of this command accepted by a leader under <see cref="Seq"/>: each may be one log entry.</summary>
        public int AcceptedUnderSeq;
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
        /// <summary>An operation refused for an unknown session and provably not applied: retried once the session is reopened.</summary>
        public ClientOp? Resume;
        public ulong LeaderHint;
    }

    private readonly List<SimClient> clients = new();
    private readonly List<SimKvOperation?> history = new();
    private readonly List<(int Client, SimKvOperationKind Kind, string Key, string? Value, long Expected, long Call)> calls = new();
    private long historyClock;
    private int nextOpId;

    private void ClientWake(SimClient c)
    {
        if (c.Current is not null) return;
        if (c.Opened && c.Resume is { } resumed)
        {
            // same operation (same history entry and call time), a new sequence number in the new session
            c.Resume = null;
            resumed.Seq = ++c.Seq;
            resumed.AcceptedUnderSeq = 0;
            resumed.Deadline = now + 400_000 + rng.Next(400_000);
            c.Current = resumed;
            Attempt(c, resumed);
            return;
        }
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
                if (result == ProposeResult.Accepted)
                {
                    target.Waiting[(c.ClientId, op.Seq)] = op;
                    op.AcceptedUnderSeq++;
                }
            }
            accepted = result == ProposeResult.Accepted;
            if (!accepted && raft.Lead != 0 && raft.Lead != target.Id) c.LeaderHint = raft.Lead;
            Log($"client {c.Id} op {op.Id} seq {op.Seq} attempt {op.Attempt} at {target.Id}: {result}");
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
            ScheduleWake(c);
            return;
        }
        c.LeaderHint = 0;
        if (!op.IsOpen && rng.Next(200) == 0)
        {
            // The client stalls (GC pause, lost connection) past the session timeout, then retries: its session may have
            // expired in between, while an earlier attempt may already have been applied.
            long stall = SimKvStateMachine.SessionTimeoutMs * 1000 + rng.Next(3_000_000);
            op.Deadline += stall;
            Log($"client {c.Id} op {op.Id} stalls for {stall / 1000}ms before retrying");
            Schedule(stall, new SimEvent(EventKind.ClientRetry, 0, 0, null, c.Id, op.Id, op.Attempt));
            return;
        }
        Attempt(c, op); // same sequence number: the session table makes the retry exactly-once
    }

    private void ClientRetry(SimClient c, int opId, int attempt)
    {
        var op = c.Current;
        if (op is null || op.Id != opId || op.Attempt != attempt || op.Done) return;
        Attempt(c, op);
    }

    /// <summary>
    /// The command reached the state machine after its session had expired, so THIS entry was not executed. If it is
    /// the only entry of the command (one accepted proposal under this sequence number) the command provably never
    /// ran: reopen the session and retry it under a new number. Otherwise an earlier entry may have run before the
    /// expiry: the outcome stays unknown in the history, and the client moves on in a new session.
    /// </summary>
    private void OnUnknownSession(ClientOp op)
    {
        if (op.Done) return;
        var c = clients.Find(x => x.Current == op);
        if (c is null) return;
        unknownSessionAnswers++;
        c.Current = null;
        c.Opened = false;
        if (op.AcceptedUnderSeq == 1)
        {
            c.Resume = op;
            Log($"client {c.Id} op {op.Id} seq {op.Seq}: unknown session, not applied; reopening and retrying");
        }
        else
        {
            op.Done = true;
            Log($"client {c.Id} op {op.Id} seq {op.Seq}: unknown session after {op.AcceptedUnderSeq} accepted attempts; outcome unknown, reopening");
        }
        Schedule(1000 + rng.Next(5_000), new SimEvent(EventKind.ClientWake, 0, 0, null, c.Id, 0, 0));
    }

    private void Complete(ClientOp op, SimKvResult result)
    {
        if (op.Done) return;
        op.Done = true;
        var c = clients.Find(x => x.Current == op);
        if (c is null) return;
        c.Current = null;
        Log($"client {c.Id} op {op.Id} -> {result}");
        if (op.IsOpen)
        {
            c.Opened = true;
            if (c.Resume is not null)
            {
                // resumed by the next wake-up (never from here: this runs inside a node's Ready)
                Schedule(1000 + rng.Next(5_000), new SimEvent(EventKind.ClientWake, 0, 0, null, c.Id, 0, 0));
                return;
            }
        }
        else
        {
            var call = calls[op.HistorySlot];
            history[op.HistorySlot] = new SimKvOperation(call.Client, call.Kind, call.Key, call.Value, call.Expected, call.Call, ++historyClock, result);
            completed++;
        }
        ScheduleWake(c);
    }

    /// <summary>The next operation after a short think time; now and then the client goes away for longer than the session timeout.</summary>
    private void ScheduleWake(SimClient c)
    {
        long delay = rng.Next(40) == 0
            ? SimKvStateMachine.SessionTimeoutMs * 1000 + rng.Next(3_000_000)
            : 1000 + rng.Next(20_000);
        Schedule(delay, new SimEvent(EventKind.ClientWake, 0, 0, null, c.Id, 0, 0));
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
}
