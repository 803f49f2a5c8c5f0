namespace DistSync.Linearizability;

/// <summary>
/// The set of visited search configurations (set of linearized operations, model state). Revisiting one can
/// never succeed where the first visit failed, which is what keeps the search polynomial on typical histories.
/// </summary>
/// <remarks>
/// The linearized set is stored compressed as "the first <c>n</c> words are all ones" plus the words up to the
/// last non-zero one (see <see cref="LinearizedSet"/>): in mostly sequential histories each entry costs a few
/// words instead of one bit per operation, and probing allocates nothing.
/// </remarks>
internal sealed class ConfigurationCache<TState, TInput, TOutput>
{
    private readonly IModel<TState, TInput, TOutput> _model;
    private int[] _buckets = new int[1024];
    private Node[] _nodes = new Node[1024];
    private int _count;

    public ConfigurationCache(IModel<TState, TInput, TOutput> model)
    {
        _model = model;
        Array.Fill(_buckets, -1);
    }

    public int Count => _count;

    /// <summary>Adds the configuration unless present; true when it was new.</summary>
    public bool TryAdd(LinearizedSet linearized, TState state)
    {
        var hash = linearized.Hash ^ ((ulong)(uint)_model.StateHash(state) * 0x9E3779B97F4A7C15UL);
        var bucket = (int)(Mix(hash) & (ulong)(_buckets.Length - 1));
        for (var i = _buckets[bucket]; i >= 0; i = _nodes[i].Next)
        {
            ref var node = ref _nodes[i];
            if (node.Hash == hash && linearized.SameAs(node.FullWords, node.Window) && _model.StateEquals(node.State, state))
            {
                return false;
            }
        }

        if (_count == _nodes.Length)
        {
            Grow();
            bucket = (int)(Mix(hash) & (ulong)(_buckets.Length - 1));
        }

        _nodes[_count] = new Node
        {
            Hash = hash, FullWords = linearized.FullWords, Window = linearized.CopyWindow(), State = state, Next = _buckets[bucket],
        };
        _buckets[bucket] = _count;
        _count++;
        return true;
    }

    private void Grow()
    {
        var nodes = new Node[_nodes.Length * 2];
        Array.Copy(_nodes, nodes, _count);
        var buckets = new int[_buckets.Length * 2];
        Array.Fill(buckets, -1);
        for (var i = 0; i < _count; i++)
        {
            var b = (int)(Mix(nodes[i].Hash) & (ulong)(buckets.Length - 1));
            nodes[i].Next = buckets[b];
            buckets[b] = i;
        }

        _nodes = nodes;
        _buckets = buckets;
    }

    private static ulong Mix(ulong h)
    {
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        return h;
    }

    private struct Node
    {
        public ulong Hash;
        public int FullWords;
        public ulong[] Window;
        public TState State;
        public int Next;
    }
}
