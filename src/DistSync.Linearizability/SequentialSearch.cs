namespace DistSync.Linearizability;

/// <summary>
/// Decides whether one part of a history is sequentially consistent: whether some total order of its operations
/// keeps every client's program order and is accepted by the model step by step. Real time between clients plays
/// no part.
/// </summary>
/// <remarks>
/// <para>Program order is the linearizability checker's real-time order restricted to one client: <c>a</c> comes
/// before <c>b</c> when both are the same client's and <c>a.ReturnTime &lt; b.CallTime</c>. For a client that issues
/// one operation at a time that is its call order. A timed-out call (return ∞) precedes nothing: it may take effect
/// after its client's later operations, or never, so an order is complete once every operation with a known output
/// is in it.</para>
/// <para>The search is depth-first over "which enabled operation comes next" (enabled: not placed yet, every
/// program-order predecessor placed), tried in call order, and memoises (placed set, state) in the same
/// <see cref="ConfigurationCache{TState,TInput,TOutput}"/> as the linearizability search: revisiting a configuration
/// cannot succeed where the first visit failed. Three prunings keep the verdict exact:</para>
/// <list type="number">
/// <item>An operation the model calls read-only (<see cref="IModel{TState,TInput,TOutput}.IsReadOnly"/>) and accepts in
/// the current state is placed at once, as the only choice: moved to the front of any completion it changes no state
/// and breaks no program order (its predecessors are placed), so a completion exists with it first if one exists at all.</item>
/// <item>A timed-out operation that would leave the state as it is is never tried: it precedes nothing and is optional.</item>
/// <item>With an <see cref="IReadWriteModel{TState,TInput,TOutput}"/>, a configuration in which some unplaced read is
/// stranded (it needs a state other than the current one and no unplaced operation sets that state) is not expanded:
/// no later state can be the one the read needs.</item>
/// </list>
/// </remarks>
internal sealed class SequentialSearch<TState, TInput, TOutput>
{
    private const int DeadlineCheckInterval = 256;

    private readonly IModel<TState, TInput, TOutput> _model;
    private readonly Operation<TInput, TOutput>[] _ops;

    // Per client (dense index): ids of its operations with a known output, and of its timed-out ones, in call order.
    private readonly int[][] _known;
    private readonly int[][] _timedOut;

    // Per operation: its client's dense index and, for a known output, its position in _known[client].
    private readonly int[] _clientOf;
    private readonly int[] _slotOf;
    private readonly int _knownCount;

    // With an IReadWriteModel: the states some known read needs, numbered; per operation the number of the state it
    // needs (known reads only) and of the state it sets, -1 for none (or for a state no read needs).
    private Dictionary<StateKey, int>? _states;
    private int[] _needs = [];
    private int[] _sets = [];

    /// <param name="ops">The part's operations, sorted by call time; an operation's id is its position here.</param>
    public SequentialSearch(IModel<TState, TInput, TOutput> model, Operation<TInput, TOutput>[] ops)
    {
        _model = model;
        _ops = ops;
        _clientOf = new int[ops.Length];
        _slotOf = new int[ops.Length];
        var clientIndex = new Dictionary<int, int>();
        var known = new List<List<int>>();
        var timedOut = new List<List<int>>();
        for (var id = 0; id < ops.Length; id++)
        {
            if (!clientIndex.TryGetValue(ops[id].ClientId, out var c))
            {
                c = clientIndex.Count;
                clientIndex.Add(ops[id].ClientId, c);
                known.Add(new List<int>());
                timedOut.Add(new List<int>());
            }

            _clientOf[id] = c;
            if (ops[id].IsOutputUnknown)
            {
                timedOut[c].Add(id);
            }
            else
            {
                _slotOf[id] = known[c].Count;
                known[c].Add(id);
                _knownCount++;
            }
        }

        _known = known.Select(l => l.ToArray()).ToArray();
        _timedOut = timedOut.Select(l => l.ToArray()).ToArray();

        if (model is IReadWriteModel<TState, TInput, TOutput> readWrite)
        {
            IndexStates(readWrite);
        }
    }

    public int ClientCount => _known.Length;

    public SearchOutcome Run(SearchDeadline deadline)
    {
        var frontier = new Frontier(this);
        var cache = new ConfigurationCache<TState, TInput, TOutput>(_model);
        var state = _model.Init();
        if (frontier.Remaining == 0)
        {
            return new SearchOutcome(CheckOutcome.Ok, null);
        }

        if (frontier.IsStranded(state))
        {
            return new SearchOutcome(CheckOutcome.Illegal, null);
        }

        cache.TryAdd(frontier.Placed, state);
        var stack = new Stack<Frame>();
        stack.Push(new Frame(-1, Expand(frontier, state)));
        PathNode? path = null;
        PathNode? best = null;
        var steps = 0;

        while (true)
        {
            if (++steps % DeadlineCheckInterval == 0 && deadline.Expired)
            {
                return new SearchOutcome(CheckOutcome.Unknown, best);
            }

            var frame = stack.Peek();
            if (frame.Cursor < frame.Candidates.Count)
            {
                var (id, next) = frame.Candidates[frame.Cursor++];
                frontier.Place(id);
                if (!cache.TryAdd(frontier.Placed, next))
                {
                    frontier.Unplace(id);
                    continue;
                }

                path = new PathNode(id, next, path);
                if (best is null || path.Depth > best.Depth)
                {
                    best = path;
                }

                if (frontier.Remaining == 0)
                {
                    return new SearchOutcome(CheckOutcome.Ok, path);
                }

                if (frontier.IsStranded(next))
                {
                    frontier.Unplace(id);
                    path = path.Parent;
                    continue;
                }

                stack.Push(new Frame(id, Expand(frontier, next)));
            }
            else
            {
                // Every choice from this configuration failed: undo the one that led here.
                stack.Pop();
                if (frame.PlacedId < 0)
                {
                    return new SearchOutcome(CheckOutcome.Illegal, best);
                }

                frontier.Unplace(frame.PlacedId);
                path = path!.Parent;
            }
        }
    }

    /// <summary>
    /// Why <paramref name="order"/>, the longest order of an illegal part, goes no further. Either some reads are
    /// stranded after it (<c>Stranded</c>: the known operations that need a state that is not the current one and
    /// that nothing left sets), or the model rejects every operation with a known output that could come next
    /// (<c>Blocked</c>: each client's enabled ones; were one accepted, the order would be longer).
    /// </summary>
    public (IReadOnlyList<int> Blocked, IReadOnlyList<int> Stranded) Diagnose(PathNode? order)
    {
        var frontier = new Frontier(this);
        for (var node = order; node is not null; node = node.Parent)
        {
            frontier.Place(node.Id);
        }

        var state = order is null ? _model.Init() : order.StateAfter;
        var ids = new List<int>();
        if (frontier.IsStranded(state))
        {
            frontier.CollectStranded(state, ids);
            return ([], ids);
        }

        frontier.CollectEnabled(ids, includeTimedOut: false);
        ids.Sort();
        return (ids, []);
    }

    private void IndexStates(IReadWriteModel<TState, TInput, TOutput> model)
    {
        _states = new Dictionary<StateKey, int>(new StateComparer(model));
        _needs = new int[_ops.Length];
        _sets = new int[_ops.Length];
        for (var id = 0; id < _ops.Length; id++)
        {
            var op = _ops[id];
            _needs[id] = -1;
            if (!op.IsOutputUnknown && model.TryGetReadState(op.Input, op.Output, out var needed))
            {
                if (!_states.TryGetValue(new StateKey(needed), out var n))
                {
                    _states.Add(new StateKey(needed), n = _states.Count);
                }

                _needs[id] = n;
            }
        }

        for (var id = 0; id < _ops.Length; id++)
        {
            var op = _ops[id];
            _sets[id] = model.TryGetWrittenState(op.Input, op.Output, out var written) && _states.TryGetValue(new StateKey(written), out var n) ? n : -1;
        }
    }

    private List<(int Id, TState Next)> Expand(Frontier frontier, TState state)
    {
        var enabled = new List<int>();
        frontier.CollectEnabled(enabled, includeTimedOut: true);
        var candidates = new List<(int, TState)>(enabled.Count);
        foreach (var id in enabled)
        {
            var op = _ops[id];
            var (ok, next) = _model.Step(state, op.Input, op.Output);
            if (!ok)
            {
                continue;
            }

            if (op.IsOutputUnknown)
            {
                if (!_model.StateEquals(state, next))
                {
                    candidates.Add((id, next));
                }
            }
            else if (_model.IsReadOnly(op.Input, op.Output))
            {
                return [(id, next)];
            }
            else
            {
                candidates.Add((id, next));
            }
        }

        // Call order first: histories that are close to linearizable then need little backtracking.
        candidates.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return candidates;
    }

    internal sealed class PathNode(int id, TState stateAfter, PathNode? parent)
    {
        public int Id { get; } = id;
        public TState StateAfter { get; } = stateAfter;
        public PathNode? Parent { get; } = parent;
        public int Depth { get; } = parent is null ? 1 : parent.Depth + 1;
    }

    internal readonly record struct SearchOutcome(CheckOutcome Outcome, PathNode? Longest);

    /// <summary>A configuration on the stack: the choices tried from it so far, and the operation placed to reach it.</summary>
    private sealed class Frame(int placedId, List<(int Id, TState Next)> candidates)
    {
        public int PlacedId { get; } = placedId;
        public List<(int Id, TState Next)> Candidates { get; } = candidates;
        public int Cursor { get; set; }
    }

    /// <summary>A state as a dictionary key (states may be null), compared by the model.</summary>
    private readonly record struct StateKey(TState State);

    private sealed class StateComparer(IModel<TState, TInput, TOutput> model) : IEqualityComparer<StateKey>
    {
        public bool Equals(StateKey x, StateKey y) => model.StateEquals(x.State, y.State);

        public int GetHashCode(StateKey key) => model.StateHash(key.State);
    }

    /// <summary>Per needed state: how many unplaced known reads need it and how many unplaced operations set it.</summary>
    private sealed class StrandedReads
    {
        private readonly SequentialSearch<TState, TInput, TOutput> _search;
        private readonly int[] _needing;
        private readonly int[] _setting;

        // Invariant: _stranded = number of states with _needing > 0 and _setting == 0.
        private int _stranded;

        public StrandedReads(SequentialSearch<TState, TInput, TOutput> search)
        {
            _search = search;
            _needing = new int[search._states!.Count];
            _setting = new int[search._states.Count];
            for (var id = 0; id < search._ops.Length; id++)
            {
                if (search._needs[id] >= 0)
                {
                    _needing[search._needs[id]]++;
                }

                if (search._sets[id] >= 0)
                {
                    _setting[search._sets[id]]++;
                }
            }

            for (var n = 0; n < _needing.Length; n++)
            {
                _stranded += Stranded(n) ? 1 : 0;
            }
        }

        /// <summary>Counts operation <paramref name="id"/> out (-1, placed) or back in (+1, unplaced).</summary>
        public void Update(int id, int delta)
        {
            var needs = _search._needs[id];
            if (needs >= 0)
            {
                _stranded -= Stranded(needs) ? 1 : 0;
                _needing[needs] += delta;
                _stranded += Stranded(needs) ? 1 : 0;
            }

            var sets = _search._sets[id];
            if (sets >= 0)
            {
                _stranded -= Stranded(sets) ? 1 : 0;
                _setting[sets] += delta;
                _stranded += Stranded(sets) ? 1 : 0;
            }
        }

        public bool AnyStranded(TState current)
        {
            if (_stranded == 0)
            {
                return false;
            }

            // The current state may be one no unplaced operation sets: reads of it are fine while it lasts.
            return _stranded > (_search._states!.TryGetValue(new StateKey(current), out var n) && Stranded(n) ? 1 : 0);
        }

        /// <summary>True when unplaced operation <paramref name="id"/> needs a stranded state other than <paramref name="current"/>.</summary>
        public bool IsStranded(int id, TState current)
        {
            var needs = _search._needs[id];
            return needs >= 0 && Stranded(needs) && !(_search._states!.TryGetValue(new StateKey(current), out var n) && n == needs);
        }

        private bool Stranded(int n) => _needing[n] > 0 && _setting[n] == 0;
    }

    /// <summary>The placed set, with per client the first unplaced known operation and the count still to place.</summary>
    private sealed class Frontier
    {
        private readonly SequentialSearch<TState, TInput, TOutput> _search;

        // Invariant: every known operation of client c before _first[c] (in its call order) is placed.
        private readonly int[] _first;

        // Null unless the model is an IReadWriteModel.
        private readonly StrandedReads? _strands;

        public Frontier(SequentialSearch<TState, TInput, TOutput> search)
        {
            _search = search;
            _first = new int[search._known.Length];
            Placed = new LinearizedSet(search._ops.Length);
            Remaining = search._knownCount;
            _strands = search._states is null ? null : new StrandedReads(search);
        }

        public LinearizedSet Placed { get; }

        /// <summary>Known operations not placed yet; the order is complete at 0.</summary>
        public int Remaining { get; private set; }

        public void Place(int id)
        {
            Placed.Add(id);
            _strands?.Update(id, -1);
            if (_search._ops[id].IsOutputUnknown)
            {
                return;
            }

            Remaining--;
            var c = _search._clientOf[id];
            var known = _search._known[c];
            while (_first[c] < known.Length && Placed.Contains(known[_first[c]]))
            {
                _first[c]++;
            }
        }

        public void Unplace(int id)
        {
            Placed.Remove(id);
            _strands?.Update(id, +1);
            if (_search._ops[id].IsOutputUnknown)
            {
                return;
            }

            Remaining++;
            var c = _search._clientOf[id];
            _first[c] = Math.Min(_first[c], _search._slotOf[id]);
        }

        /// <summary>True when some unplaced known read needs a state other than <paramref name="current"/> that nothing unplaced sets.</summary>
        public bool IsStranded(TState current) => _strands is not null && _strands.AnyStranded(current);

        /// <summary>Adds the unplaced known reads stranded in <paramref name="current"/>, in call order.</summary>
        public void CollectStranded(TState current, List<int> into)
        {
            for (var id = 0; id < _search._ops.Length; id++)
            {
                if (!Placed.Contains(id) && _strands!.IsStranded(id, current))
                {
                    into.Add(id);
                }
            }
        }

        /// <summary>Adds, client by client, every unplaced operation whose program-order predecessors are all placed.</summary>
        public void CollectEnabled(List<int> into, bool includeTimedOut)
        {
            var ops = _search._ops;
            for (var c = 0; c < _first.Length; c++)
            {
                // Only a known operation can precede another (a timed-out one returns at ∞), and only one called
                // earlier. earliestReturn is the earliest return among the unplaced known operations scanned so far:
                // an operation called after it has an unplaced predecessor, and so has every later one.
                var earliestReturn = long.MaxValue;
                var known = _search._known[c];
                for (var j = _first[c]; j < known.Length; j++)
                {
                    var op = ops[known[j]];
                    if (op.CallTime > earliestReturn)
                    {
                        break;
                    }

                    if (Placed.Contains(known[j]))
                    {
                        continue;
                    }

                    into.Add(known[j]);
                    earliestReturn = Math.Min(earliestReturn, op.ReturnTime);
                }

                if (!includeTimedOut)
                {
                    continue;
                }

                // The scan above stopped at an operation called after earliestReturn; every later one returns later
                // still, so earliestReturn is now the earliest return of all the client's unplaced known operations.
                foreach (var id in _search._timedOut[c])
                {
                    if (ops[id].CallTime > earliestReturn)
                    {
                        break;
                    }

                    if (!Placed.Contains(id))
                    {
                        into.Add(id);
                    }
                }
            }
        }
    }
}
