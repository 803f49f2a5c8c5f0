namespace DistSync.Locks;

/// <summary>
/// The wait-for graph over transactions: an edge <c>a -> b</c> means transaction a waits for b to release or be
/// granted first. Each resource contributes its own set of edges (see <see cref="LockTable"/> for the rule) and
/// replaces it whenever its holders or queue change; an edge is present while at least one resource contributes it.
/// Every iteration is in ordinal order, so cycle search picks the same cycle on every replica.
/// Not thread-safe (one state machine, one thread).
/// </summary>
public sealed class WaitForGraph
{
    private static readonly IReadOnlyList<(string From, string To)> NoEdges = Array.Empty<(string, string)>();

    // from -> (to -> number of resources contributing the edge)
    private readonly SortedDictionary<string, SortedDictionary<string, int>> _out = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<(string From, string To)>> _byResource = new(StringComparer.Ordinal);

    public int EdgeCount { get; private set; }

    /// <summary>Every edge, sorted by (from, to).</summary>
    public IReadOnlyList<(string From, string To)> Edges()
    {
        var edges = new List<(string, string)>(EdgeCount);
        foreach (var (from, targets) in _out)
        {
            foreach (var to in targets.Keys)
            {
                edges.Add((from, to));
            }
        }

        return edges;
    }

    /// <summary>The transactions <paramref name="txnId"/> waits for, sorted.</summary>
    public IReadOnlyList<string> WaitsFor(string txnId) =>
        _out.TryGetValue(txnId, out var targets) ? [.. targets.Keys] : [];

    /// <summary>
    /// A cycle, as the transactions on it in edge order starting from the ordinally smallest start node of the
    /// search that finds one, or null when the graph is acyclic. Deterministic: depth-first, nodes and edges in
    /// ordinal order.
    /// </summary>
    public IReadOnlyList<string>? FindCycle()
    {
        if (EdgeCount == 0)
        {
            return null;
        }

        // 0 = unvisited, 1 = on the current path, 2 = done. Iterative so a long chain cannot overflow the stack.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var iterators = new List<IEnumerator<string>>();
        foreach (var start in _out.Keys)
        {
            if (state.GetValueOrDefault(start) != 0)
            {
                continue;
            }

            Push(start);
            while (iterators.Count > 0)
            {
                var it = iterators[^1];
                if (it.MoveNext())
                {
                    var next = it.Current;
                    switch (state.GetValueOrDefault(next))
                    {
                        case 0:
                            Push(next);
                            break;
                        case 1:
                            return path.GetRange(path.IndexOf(next), path.Count - path.IndexOf(next));
                    }
                }
                else
                {
                    state[path[^1]] = 2;
                    path.RemoveAt(path.Count - 1);
                    iterators.RemoveAt(iterators.Count - 1);
                    it.Dispose();
                }
            }
        }

        return null;

        void Push(string node)
        {
            state[node] = 1;
            path.Add(node);
            iterators.Add(_out.TryGetValue(node, out var targets) ? targets.Keys.GetEnumerator() : Enumerable.Empty<string>().GetEnumerator());
        }
    }

    /// <summary>
    /// Replaces the edges <paramref name="resource"/> contributes. Returns true when an edge that was absent from
    /// the whole graph appeared (only then can a new cycle exist).
    /// </summary>
    internal bool SetResourceEdges(string resource, IReadOnlyList<(string From, string To)> edges)
    {
        // Add before removing, so an edge the resource keeps never drops to zero and counts as new.
        var added = false;
        foreach (var (from, to) in edges)
        {
            added |= AddEdge(from, to);
        }

        if (_byResource.TryGetValue(resource, out var old))
        {
            foreach (var (from, to) in old)
            {
                RemoveEdge(from, to);
            }
        }

        if (edges.Count == 0)
        {
            _byResource.Remove(resource);
        }
        else
        {
            _byResource[resource] = edges;
        }

        return added;
    }

    internal void Clear()
    {
        _out.Clear();
        _byResource.Clear();
        EdgeCount = 0;
    }

    internal IReadOnlyList<(string From, string To)> EdgesOf(string resource) => _byResource.GetValueOrDefault(resource) ?? NoEdges;

    private bool AddEdge(string from, string to)
    {
        if (!_out.TryGetValue(from, out var targets))
        {
            targets = new SortedDictionary<string, int>(StringComparer.Ordinal);
            _out.Add(from, targets);
        }

        var count = targets.GetValueOrDefault(to);
        targets[to] = count + 1;
        if (count == 0)
        {
            EdgeCount++;
            return true;
        }

        return false;
    }

    private void RemoveEdge(string from, string to)
    {
        var targets = _out[from];
        var count = targets[to];
        if (count > 1)
        {
            targets[to] = count - 1;
            return;
        }

        targets.Remove(to);
        EdgeCount--;
        if (targets.Count == 0)
        {
            _out.Remove(from);
        }
    }
}
