using DistSync.Locks.Wire;

namespace DistSync.Locks;

/// <summary>
/// Every resource's holders and FIFO wait queue, the transactions behind them and their wait-for graph. Deterministic:
/// driven only by the entry's index and log time, iterating in ordinal order. Not thread-safe (one state machine, one
/// thread). The state machine checks sessions and input before calling in.
/// </summary>
/// <remarks>
/// <para><b>Granting.</b> A new request is granted at once when it is compatible with every other session's hold and
/// nobody waits (FIFO: no barging past waiters). Otherwise it queues at the back; after every change the head of each
/// touched queue is granted while compatible, so consecutive shared waiters at the head are granted together and an
/// exclusive waiter blocks every later shared request (no writer starvation).</para>
/// <para><b>Upgrade.</b> Exclusive asked by a shared holder: immediate when it is the sole holder (even with waiters,
/// who all wait for it anyway); otherwise it queues at the FRONT, after earlier upgrades, as most lock managers do —
/// behind other waiters it would deadlock with any exclusive waiter, which waits for its shared hold. Two shared
/// holders both upgrading are a real deadlock; the wait-for graph catches it.</para>
/// <para><b>Same session again.</b> Re-acquire in the held mode returns the held token; shared asked by the exclusive
/// holder returns the exclusive grant (it covers shared). A session has at most one wait per resource: a repeated
/// acquire with the same mode and txn joins it (same request id, the later deadline wins), anything else is invalid.
/// A release leaves the session's pending upgrade queued as a plain exclusive request.</para>
/// <para><b>Fencing tokens.</b> A grant's token is the Raft index of the granting entry — or the resource's previous
/// token + 1 when that is larger, which happens only when one entry grants the resource several times (a shared batch,
/// or a release and re-grant within one expiry or deadlock resolution). So tokens strictly increase per resource and
/// equal the granting index in the common case.</para>
/// <para><b>Wait-for edges</b> (between transactions, never from a transaction to itself), rebuilt per resource on
/// every change: a waiter waits for every conflicting holder (one of them exclusive) of another session; a shared
/// waiter waits for the nearest exclusive waiter ahead of it; an exclusive waiter waits for the nearest exclusive
/// waiter ahead and every shared waiter between the two. That has the same reachability as "waits for every
/// conflicting waiter ahead" with edges linear in the queue length. Whenever an edge appears, cycles are searched
/// (<see cref="WaitForGraph.FindCycle"/>) and each is broken by aborting its youngest transaction (highest
/// <c>FirstIndex</c>, ties by the ordinally larger id): its waits fail with <see cref="WaitOutcomeKind.Deadlock"/> and
/// its holds are released, which may grant others in the same entry. A txn shared by two sessions never waits for
/// itself: such a wait is only ended by its deadline.</para>
/// </remarks>
public sealed partial class LockTable
{
    private static readonly IReadOnlyList<(string, string)> NoEdges = Array.Empty<(string, string)>();

    private readonly Dictionary<string, ResourceLock> _resources = new(StringComparer.Ordinal);
    private readonly Dictionary<long, LockWaiter> _waits = [];
    private readonly SortedSet<(long DeadlineMs, long RequestId)> _deadlines = [];
    private readonly Dictionary<string, SortedSet<string>> _heldBySession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<long>> _waitsBySession = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TxnState> _txns = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _dirty = new(StringComparer.Ordinal);

    /// <summary>The wait-for graph; acyclic after every apply.</summary>
    public WaitForGraph Graph { get; } = new();

    /// <summary>Cycles broken so far (a metrics counter; in snapshots).</summary>
    public long DeadlocksDetected { get; private set; }

    /// <summary>Queued acquires.</summary>
    public int WaitCount => _waits.Count;

    /// <summary>Resources with at least one holder (kept as holds come and go: read after every entry for /metrics).</summary>
    public int HeldResourceCount { get; private set; }

    /// <summary>The earliest wait deadline, or null when nobody waits.</summary>
    public long? NextWaitDeadlineMs => _deadlines.Count == 0 ? null : _deadlines.Min.DeadlineMs;

    /// <summary>The Raft index at which a live transaction appeared, or null when it holds and waits for nothing.</summary>
    public long? TxnFirstIndex(string txnId) => _txns.TryGetValue(txnId, out var t) ? t.FirstIndex : null;

    /// <summary><c>GET /lock/status/{resource}</c>; an unknown resource is free with no waiters.</summary>
    public LockStatus Status(string resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return _resources.TryGetValue(resource, out var res) ? StatusOf(res) : new LockStatus(resource, null, [], []);
    }

    /// <summary><c>GET /lock/list</c>: every held or awaited resource, sorted by name (ordinal).</summary>
    public IReadOnlyList<LockStatus> List()
    {
        var names = new List<string>(_resources.Count);
        foreach (var (name, res) in _resources)
        {
            if (!res.IsUnused)
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        var list = new List<LockStatus>(names.Count);
        foreach (var name in names)
        {
            list.Add(StatusOf(_resources[name]));
        }

        return list;
    }

    /// <summary>Resources the session holds, sorted.</summary>
    public IReadOnlyList<string> HeldBy(string sessionId) =>
        _heldBySession.TryGetValue(sessionId, out var held) ? [.. held] : [];

    internal LockCommandResult Acquire(ApplyContext ctx, string resource, string sessionId, LockMode mode, long waitMs, string txnId)
    {
        _resources.TryGetValue(resource, out var res);
        LockHold? held = null;
        if (res is not null && res.Holders.TryGetValue(sessionId, out held) && (held.Mode == mode || held.Mode == LockMode.Exclusive))
        {
            // Idempotent: what the session holds covers the request.
            return new LockGranted(resource, held.Mode, held.FencingToken);
        }

        if (res?.WaiterOf(sessionId) is { } existing)
        {
            return JoinExistingWait(ctx, existing, mode, waitMs, txnId);
        }

        if (res is null)
        {
            res = new ResourceLock(resource);
            _resources.Add(resource, res);
        }

        var isUpgrade = held is not null;
        if (IsCompatible(res, sessionId, mode) && (res.Queue.Count == 0 || isUpgrade))
        {
            var token = Grant(ctx, res, sessionId, mode, txnId);
            MarkDirty(res);
            Settle(ctx);
            return new LockGranted(resource, mode, token);
        }

        if (waitMs == 0)
        {
            return new CommandFailed(LockFailureReason.Conflict, $"Resource \"{resource}\" is held or awaited incompatibly with a {ModeName(mode)} lock.");
        }

        Enqueue(ctx, res, new LockWaiter(ctx.Index, sessionId, resource, mode, txnId, ctx.NowMs + waitMs, ctx.NowMs), isUpgrade);
        Settle(ctx);
        return TakeOwnOutcome(ctx) ?? new LockQueued(ctx.Index);
    }

    internal LockCommandResult Release(ApplyContext ctx, string resource, string sessionId)
    {
        if (!_resources.TryGetValue(resource, out var res) || !res.Holders.ContainsKey(sessionId))
        {
            return new CommandFailed(LockFailureReason.NotHeld, $"Session {sessionId} does not hold \"{resource}\".");
        }

        RemoveHold(res, sessionId);
        Settle(ctx);
        return new LockReleased(resource);
    }

    internal bool CancelWait(ApplyContext ctx, string resource, string sessionId, long requestId)
    {
        if (!_waits.TryGetValue(requestId, out var waiter)
            || !string.Equals(waiter.Resource, resource, StringComparison.Ordinal)
            || !string.Equals(waiter.SessionId, sessionId, StringComparison.Ordinal))
        {
            return false;
        }

        RemoveWaiter(ctx, waiter, WaitOutcomeKind.Cancelled);
        Settle(ctx);
        return true;
    }

    /// <summary>Fails every wait of the session with <paramref name="waitsEndAs"/> and releases all its holds, then grants what that frees.</summary>
    internal void EndSession(ApplyContext ctx, string sessionId, WaitOutcomeKind waitsEndAs)
    {
        if (_waitsBySession.TryGetValue(sessionId, out var waits))
        {
            foreach (var requestId in waits.ToArray())
            {
                RemoveWaiter(ctx, _waits[requestId], waitsEndAs);
            }
        }

        // Waits first, so freeing a hold cannot grant the session's own waits.
        if (_heldBySession.TryGetValue(sessionId, out var held))
        {
            foreach (var resource in held.ToArray())
            {
                RemoveHold(_resources[resource], sessionId);
            }
        }

        Settle(ctx);
    }

    /// <summary>The wait whose deadline comes first if it is at or before <paramref name="nowMs"/> (ties by request id).</summary>
    internal (long DeadlineMs, long RequestId)? PeekDueWait(long nowMs) =>
        _deadlines.Count > 0 && _deadlines.Min.DeadlineMs <= nowMs ? _deadlines.Min : null;

    internal void TimeOut(ApplyContext ctx, long requestId)
    {
        RemoveWaiter(ctx, _waits[requestId], WaitOutcomeKind.TimedOut);
        Settle(ctx);
    }

    internal void Clear()
    {
        _resources.Clear();
        _waits.Clear();
        _deadlines.Clear();
        _heldBySession.Clear();
        _waitsBySession.Clear();
        _txns.Clear();
        _dirty.Clear();
        Graph.Clear();
        DeadlocksDetected = 0;
        HeldResourceCount = 0;
    }

    private LockCommandResult JoinExistingWait(ApplyContext ctx, LockWaiter existing, LockMode mode, long waitMs, string txnId)
    {
        if (existing.Mode != mode || !string.Equals(existing.TxnId, txnId, StringComparison.Ordinal))
        {
            return new CommandFailed(
                LockFailureReason.Invalid,
                $"Session {existing.SessionId} already waits for \"{existing.Resource}\" ({ModeName(existing.Mode)}, txn \"{existing.TxnId}\") in request {existing.RequestId}.");
        }

        if (waitMs == 0)
        {
            return new CommandFailed(LockFailureReason.Conflict, $"Session {existing.SessionId} is still waiting for \"{existing.Resource}\" in request {existing.RequestId}.");
        }

        var deadline = ctx.NowMs + waitMs;
        if (deadline > existing.DeadlineMs)
        {
            _deadlines.Remove((existing.DeadlineMs, existing.RequestId));
            existing.DeadlineMs = deadline;
            _deadlines.Add((deadline, existing.RequestId));
        }

        return new LockQueued(existing.RequestId);
    }

    /// <summary>If the acquire being applied already ended within this entry (granted or aborted), its outcome becomes the direct answer.</summary>
    private static LockCommandResult? TakeOwnOutcome(ApplyContext ctx)
    {
        for (var i = 0; i < ctx.Outcomes.Count; i++)
        {
            var o = ctx.Outcomes[i];
            if (o.RequestId != ctx.Index)
            {
                continue;
            }

            ctx.Outcomes.RemoveAt(i);
            return o.Kind switch
            {
                WaitOutcomeKind.Granted => new LockGranted(o.Resource, o.Mode, o.FencingToken),
                WaitOutcomeKind.Deadlock => new CommandFailed(LockFailureReason.Deadlock, DeadlockDetail(o)) { Released = o.Released },
                _ => throw new InvalidOperationException($"Request {o.RequestId} ended as {o.Kind} in the entry that queued it."),
            };
        }

        return null;
    }

    private static string DeadlockDetail(WaitOutcome o) =>
        $"Waiting for \"{o.Resource}\" would deadlock; this transaction was the youngest in the cycle and was aborted"
        + (o.Released.Count == 0 ? "." : $", releasing its holds on {string.Join(", ", o.Released.Select(r => $"\"{r}\""))}.");

    private static bool IsCompatible(ResourceLock res, string sessionId, LockMode mode)
    {
        // Holders are all shared, or exactly one is exclusive.
        if (res.Holders.Count == 0)
        {
            return true;
        }

        return mode == LockMode.Exclusive
            ? res.Holders.Count == 1 && res.Holders.ContainsKey(sessionId)
            : res.ExclusiveHolders == 0;
    }

    private long Grant(ApplyContext ctx, ResourceLock res, string sessionId, LockMode mode, string txnId)
    {
        var token = Math.Max(ctx.Index, res.LastToken + 1);
        res.LastToken = token;
        if (res.Holders.TryGetValue(sessionId, out var hold))
        {
            // Upgrade shared -> exclusive (a held exclusive covers every request, so it never reaches here).
            if (!string.Equals(hold.TxnId, txnId, StringComparison.Ordinal))
            {
                // Index the new txn first so a txn that is both cannot be forgotten and reborn younger.
                EnsureTxn(txnId, ctx.Index).Holds.Add((res.Name, sessionId));
                UnindexHoldTxn(res.Name, sessionId, hold.TxnId);
            }

            res.ExclusiveHolders += hold.Mode == LockMode.Shared && mode == LockMode.Exclusive ? 1 : 0;
            hold.Mode = mode;
            hold.FencingToken = token;
            hold.SinceMs = ctx.NowMs;
            hold.TxnId = txnId;
            return token;
        }

        if (res.Holders.Count == 0) HeldResourceCount++;
        res.Holders.Add(sessionId, new LockHold(sessionId, mode, token, ctx.NowMs, txnId));
        res.ExclusiveHolders += mode == LockMode.Exclusive ? 1 : 0;
        EnsureTxn(txnId, ctx.Index);
        IndexHold(res.Name, sessionId, txnId);
        return token;
    }

    private void Enqueue(ApplyContext ctx, ResourceLock res, LockWaiter waiter, bool isUpgrade)
    {
        var position = res.Queue.Count;
        if (isUpgrade)
        {
            // After the upgrades already waiting at the front.
            position = 0;
            while (position < res.Queue.Count && res.Holders.ContainsKey(res.Queue[position].SessionId))
            {
                position++;
            }
        }

        res.Queue.Insert(position, waiter);
        _waits.Add(waiter.RequestId, waiter);
        EnsureTxn(waiter.TxnId, ctx.Index);
        IndexWait(waiter);
        MarkDirty(res);
    }

    private void RemoveWaiter(ApplyContext ctx, LockWaiter waiter, WaitOutcomeKind? endsAs, IReadOnlyList<string>? released = null)
    {
        var res = _resources[waiter.Resource];
        res.Queue.Remove(waiter);
        _waits.Remove(waiter.RequestId);
        _deadlines.Remove((waiter.DeadlineMs, waiter.RequestId));
        var sessionWaits = _waitsBySession[waiter.SessionId];
        sessionWaits.Remove(waiter.RequestId);
        if (sessionWaits.Count == 0)
        {
            _waitsBySession.Remove(waiter.SessionId);
        }

        var txn = _txns[waiter.TxnId];
        txn.Waits.Remove(waiter.RequestId);
        ForgetTxnIfEmpty(waiter.TxnId, txn);
        MarkDirty(res);
        if (endsAs is { } kind)
        {
            ctx.Outcomes.Add(new WaitOutcome(waiter.RequestId, waiter.SessionId, waiter.Resource, waiter.Mode, kind, 0) { Released = released ?? [] });
        }
    }

    private void RemoveHold(ResourceLock res, string sessionId)
    {
        var hold = res.Holders[sessionId];
        res.Holders.Remove(sessionId);
        if (res.Holders.Count == 0) HeldResourceCount--;
        res.ExclusiveHolders -= hold.Mode == LockMode.Exclusive ? 1 : 0;
        var held = _heldBySession[sessionId];
        held.Remove(res.Name);
        if (held.Count == 0)
        {
            _heldBySession.Remove(sessionId);
        }

        UnindexHoldTxn(res.Name, sessionId, hold.TxnId);
        MarkDirty(res);
    }

    private void IndexHold(string resource, string sessionId, string txnId)
    {
        if (!_heldBySession.TryGetValue(sessionId, out var held))
        {
            held = new SortedSet<string>(StringComparer.Ordinal);
            _heldBySession.Add(sessionId, held);
        }

        held.Add(resource);
        TxnOf(txnId).Holds.Add((resource, sessionId));
    }

    private void IndexWait(LockWaiter waiter)
    {
        _deadlines.Add((waiter.DeadlineMs, waiter.RequestId));
        if (!_waitsBySession.TryGetValue(waiter.SessionId, out var waits))
        {
            waits = [];
            _waitsBySession.Add(waiter.SessionId, waits);
        }

        waits.Add(waiter.RequestId);
        TxnOf(waiter.TxnId).Waits.Add(waiter.RequestId);
    }

    private void UnindexHoldTxn(string resource, string sessionId, string txnId)
    {
        var txn = _txns[txnId];
        txn.Holds.Remove((resource, sessionId));
        ForgetTxnIfEmpty(txnId, txn);
    }

    private TxnState EnsureTxn(string txnId, long index)
    {
        if (!_txns.TryGetValue(txnId, out var txn))
        {
            txn = new TxnState(index);
            _txns.Add(txnId, txn);
        }

        return txn;
    }

    private TxnState TxnOf(string txnId) =>
        _txns.TryGetValue(txnId, out var txn) ? txn : throw new InvalidDataException($"Transaction \"{txnId}\" is not registered.");

    private void ForgetTxnIfEmpty(string txnId, TxnState txn)
    {
        if (txn.IsEmpty)
        {
            _txns.Remove(txnId);
        }
    }

    private void MarkDirty(ResourceLock res) => _dirty.Add(res.Name);

    /// <summary>
    /// Brings every touched resource back to its invariants: grants what its queue head allows, rebuilds its wait-for
    /// edges, forgets it when unused; then breaks every cycle a new edge closed.
    /// </summary>
    private void Settle(ApplyContext ctx)
    {
        var mustCheck = RefreshDirty(ctx);
        while (mustCheck)
        {
            var cycle = Graph.FindCycle();
            if (cycle is null)
            {
                return;
            }

            DeadlocksDetected++;
            Abort(ctx, Youngest(cycle));
            RefreshDirty(ctx);
        }
    }

    private bool RefreshDirty(ApplyContext ctx)
    {
        var added = false;
        while (_dirty.Count > 0)
        {
            var touched = _dirty.ToArray();
            _dirty.Clear();
            foreach (var name in touched)
            {
                if (_resources.TryGetValue(name, out var res))
                {
                    GrantFromQueue(ctx, res);
                }
            }

            // Granting marks its own resource dirty again; that is already handled below.
            foreach (var name in touched)
            {
                _dirty.Remove(name);
                if (!_resources.TryGetValue(name, out var res))
                {
                    continue;
                }

                added |= Graph.SetResourceEdges(name, ComputeEdges(res));
                if (res.IsUnused && res.LastToken < ctx.Index)
                {
                    // Every later grant (in this entry or a later one) gets at least this entry's index, which is
                    // above LastToken, so forgetting it cannot make a token go back. A resource granted in this very
                    // entry is kept until an entry touches it again.
                    _resources.Remove(name);
                }
            }
        }

        return added;
    }

    private void GrantFromQueue(ApplyContext ctx, ResourceLock res)
    {
        while (res.Queue.Count > 0)
        {
            var head = res.Queue[0];
            if (!IsCompatible(res, head.SessionId, head.Mode))
            {
                return;
            }

            var token = Grant(ctx, res, head.SessionId, head.Mode, head.TxnId);
            RemoveWaiter(ctx, head, endsAs: null);
            ctx.Outcomes.Add(new WaitOutcome(head.RequestId, head.SessionId, head.Resource, head.Mode, WaitOutcomeKind.Granted, token));
        }
    }

    private string Youngest(IReadOnlyList<string> cycle)
    {
        var victim = cycle[0];
        var victimAge = _txns[victim].FirstIndex;
        for (var i = 1; i < cycle.Count; i++)
        {
            var age = _txns[cycle[i]].FirstIndex;
            if (age > victimAge || (age == victimAge && string.CompareOrdinal(cycle[i], victim) > 0))
            {
                victim = cycle[i];
                victimAge = age;
            }
        }

        return victim;
    }

    /// <summary>Fails the transaction's waits with <see cref="WaitOutcomeKind.Deadlock"/>, each naming the holds it releases, then releases them.</summary>
    private void Abort(ApplyContext ctx, string txnId)
    {
        var txn = _txns[txnId];
        var released = ResourcesOf(txn.Holds);
        foreach (var requestId in txn.Waits.ToArray())
        {
            RemoveWaiter(ctx, _waits[requestId], WaitOutcomeKind.Deadlock, released);
        }

        foreach (var (resource, sessionId) in txn.Holds.ToArray())
        {
            RemoveHold(_resources[resource], sessionId);
        }
    }

    /// <summary>The distinct resources of (resource, session) pairs kept in ordinal order, so already sorted.</summary>
    private static string[] ResourcesOf(SortedSet<(string Resource, string SessionId)> holds)
    {
        var names = new List<string>(holds.Count);
        foreach (var (resource, _) in holds)
        {
            if (names.Count == 0 || !string.Equals(names[^1], resource, StringComparison.Ordinal))
            {
                names.Add(resource);
            }
        }

        return [.. names];
    }

    private static IReadOnlyList<(string, string)> ComputeEdges(ResourceLock res)
    {
        if (res.Queue.Count == 0)
        {
            return NoEdges;
        }

        var edges = new List<(string, string)>();
        string? lastExclusive = null;
        var sharedSinceExclusive = new List<string>();
        foreach (var w in res.Queue)
        {
            foreach (var h in res.Holders.Values)
            {
                if ((w.Mode == LockMode.Exclusive || h.Mode == LockMode.Exclusive)
                    && !string.Equals(h.SessionId, w.SessionId, StringComparison.Ordinal))
                {
                    AddEdge(edges, w.TxnId, h.TxnId);
                }
            }

            if (lastExclusive is not null)
            {
                AddEdge(edges, w.TxnId, lastExclusive);
            }

            if (w.Mode == LockMode.Exclusive)
            {
                foreach (var s in sharedSinceExclusive)
                {
                    AddEdge(edges, w.TxnId, s);
                }

                lastExclusive = w.TxnId;
                sharedSinceExclusive.Clear();
            }
            else
            {
                sharedSinceExclusive.Add(w.TxnId);
            }
        }

        return edges;

        static void AddEdge(List<(string, string)> edges, string from, string to)
        {
            if (!string.Equals(from, to, StringComparison.Ordinal))
            {
                edges.Add((from, to));
            }
        }
    }

    private static LockStatus StatusOf(ResourceLock res)
    {
        var holders = new List<LockHolderStatus>(res.Holders.Count);
        LockMode? mode = null;
        foreach (var h in res.Holders.Values)
        {
            holders.Add(new LockHolderStatus(h.SessionId, h.FencingToken, h.SinceMs, h.Mode, h.TxnId));
            mode = h.Mode;
        }

        var waiters = new List<LockWaiterStatus>(res.Queue.Count);
        foreach (var w in res.Queue)
        {
            waiters.Add(new LockWaiterStatus(w.SessionId, w.Mode, w.TxnId, w.RequestId, w.DeadlineMs));
        }

        return new LockStatus(res.Name, mode, holders, waiters);
    }

    internal static LockMode FromWire(AcquireMode mode) => mode switch
    {
        AcquireMode.Shared => LockMode.Shared,
        AcquireMode.Exclusive => LockMode.Exclusive,
        _ => throw new InvalidDataException($"Lock mode {mode} is not shared or exclusive."),
    };

    internal static string ModeName(LockMode mode) => mode == LockMode.Shared ? "shared" : "exclusive";
}
