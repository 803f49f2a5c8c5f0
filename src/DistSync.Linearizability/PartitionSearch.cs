namespace DistSync.Linearizability;

/// <summary>
/// Decides one part of a history: Wing &amp; Gong's search with Lowe's just-in-time linearization and memoisation,
/// as in Porcupine. Calls and returns sit in one doubly linked list in time order. Walking it, a call is tried
/// as the next linearized operation: if the model accepts it and the resulting (linearized set, state) is new,
/// the call and its return are lifted out of the list and the walk restarts at the head. Reaching a return
/// means that operation should already be linearized, so the last choice is undone (unlifted) and the walk
/// continues after it. An empty list is a complete linearization; backtracking past the first choice means none exists.
/// </summary>
internal sealed class PartitionSearch<TState, TInput, TOutput>
{
    private const int DeadlineCheckInterval = 256;

    private readonly IModel<TState, TInput, TOutput> _model;
    private readonly Operation<TInput, TOutput>[] _ops;

    /// <param name="ops">The part's operations, sorted by call time; an operation's id is its position here.</param>
    public PartitionSearch(IModel<TState, TInput, TOutput> model, Operation<TInput, TOutput>[] ops)
    {
        _model = model;
        _ops = ops;
    }

    public SearchOutcome Run(SearchDeadline deadline)
    {
        var head = BuildEntryList();
        var linearized = new LinearizedSet(_ops.Length);
        var cache = new ConfigurationCache<TState, TInput, TOutput>(_model);
        var stack = new Stack<Frame>();
        var state = _model.Init();
        PathNode? path = null;
        PathNode? best = null;
        var entry = head.Next;
        var steps = 0;

        while (head.Next is not null)
        {
            if (++steps % DeadlineCheckInterval == 0 && deadline.Expired)
            {
                return new SearchOutcome(CheckOutcome.Unknown, best);
            }

            if (entry!.IsCall)
            {
                var op = _ops[entry.Id];
                var (ok, next) = _model.Step(state, op.Input, op.Output);
                if (ok)
                {
                    var id = entry.Id;
                    linearized.Add(id);
                    if (cache.TryAdd(linearized, next))
                    {
                        stack.Push(new Frame(entry, state));
                        state = next;
                        path = new PathNode(id, next, path);
                        if (best is null || path.Depth > best.Depth)
                        {
                            best = path;
                        }

                        Lift(entry);
                        entry = head.Next;
                        continue;
                    }

                    linearized.Remove(id);
                }

                entry = entry.Next;
            }
            else
            {
                // The operation returning here was never linearized on this branch: undo the last choice.
                if (stack.Count == 0)
                {
                    return new SearchOutcome(CheckOutcome.Illegal, best);
                }

                var frame = stack.Pop();
                var id = frame.Entry.Id;
                state = frame.StateBefore;
                linearized.Remove(id);
                path = path!.Parent;
                Unlift(frame.Entry);
                entry = frame.Entry.Next;
            }
        }

        return new SearchOutcome(CheckOutcome.Ok, best);
    }

    private Entry BuildEntryList()
    {
        var n = _ops.Length;
        var order = new (long Time, int Kind, int Id)[2 * n];
        for (var i = 0; i < n; i++)
        {
            order[2 * i] = (_ops[i].CallTime, 0, i);
            order[2 * i + 1] = (_ops[i].ReturnTime, 1, i);
        }

        // Calls sort before returns at equal times: touching intervals count as concurrent.
        Array.Sort(order);
        var head = new Entry(-1, isCall: false);
        var calls = new Entry[n];
        var tail = head;
        foreach (var (_, kind, id) in order)
        {
            var e = new Entry(id, kind == 0);
            if (e.IsCall)
            {
                calls[id] = e;
            }
            else
            {
                calls[id].Match = e;
            }

            tail.Next = e;
            e.Prev = tail;
            tail = e;
        }

        return head;
    }

    private static void Lift(Entry call)
    {
        call.Prev!.Next = call.Next;
        call.Next!.Prev = call.Prev;
        var ret = call.Match!;
        ret.Prev!.Next = ret.Next;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret.Prev;
        }
    }

    private static void Unlift(Entry call)
    {
        var ret = call.Match!;
        ret.Prev!.Next = ret;
        if (ret.Next is not null)
        {
            ret.Next.Prev = ret;
        }

        call.Prev!.Next = call;
        call.Next!.Prev = call;
    }

    internal sealed class PathNode(int id, TState stateAfter, PathNode? parent)
    {
        public int Id { get; } = id;
        public TState StateAfter { get; } = stateAfter;
        public PathNode? Parent { get; } = parent;
        public int Depth { get; } = parent is null ? 1 : parent.Depth + 1;
    }

    internal readonly record struct SearchOutcome(CheckOutcome Outcome, PathNode? Longest);

    private readonly record struct Frame(Entry Entry, TState StateBefore);

    private sealed class Entry(int id, bool isCall)
    {
        public int Id { get; } = id;
        public bool IsCall { get; } = isCall;
        public Entry? Match { get; set; }
        public Entry? Prev { get; set; }
        public Entry? Next { get; set; }
    }
}
