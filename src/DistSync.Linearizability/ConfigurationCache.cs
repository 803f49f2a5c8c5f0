namespace DistSync.Linearizability;

/// <summary>
/// The set of visited search configurations (set of linearized operations, model state). Revisiting one can
/// never succeed where the first visit failed, which is what keeps the search polynomial on typical histories.
/// </summary>
/// <remarks>
/// The linearized set is stored compressed as "the first <c>n</c> words are all ones" plus the remaining words up to
/// the last non-zero one: operations are numbered in call order, so in mostly sequential histories the set is
/// nearly a prefix and each entry costs a few words instead of one bit per operation.
/// The caller passes the hash of the set (Zobrist-style, maintained incrementally) so probing costs no allocation.
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
    public bool TryAdd(ulong[] linearized, ulong setHash, TState state)
    {
        var hash = setHash ^ ((ulong)(uint)_model.StateHash(state) * 0x9E3779B97F4A7C15UL);
        var bucket = (int)(Mix(hash) & (ulong)(_buckets.Length - 1));
        for (var i = _buckets[bucket]; i >= 0; i = _nodes[i].Next)
        {
            ref var node = ref _nodes[i];
            if (node.Hash == hash && SameSet(linearized, node.FullWords, node.Tail) && _model.StateEquals(node.State, state))
            {
                return false;
            }
        }

        if (_count == _nodes.Length)
        {
            Grow();
            bucket = (int)(Mix(hash) & (ulong)(_buckets.Length - 1));
        }

        var (fullWords, tail) = Compress(linearized);
        _nodes[_count] = new Node { Hash = hash, FullWords = fullWords, Tail = tail, State = state, Next = _buckets[bucket] };
        _buckets[bucket] = _count;
        _count++;
        return true;
    }

    private static bool SameSet(ulong[] working, int fullWords, ulong[] tail)
    {
        var i = 0;
        for (; i < fullWords; i++)
        {
            if (working[i] != ulong.MaxValue)
            {
                return false;
            }
        }

        for (var j = 0; j < tail.Length; j++, i++)
        {
            if (working[i] != tail[j])
            {
                return false;
            }
        }

        for (; i < working.Length; i++)
        {
            if (working[i] != 0)
            {
                return false;
            }
        }

        return true;
    }

    private static (int FullWords, ulong[] Tail) Compress(ulong[] working)
    {
        var full = 0;
        while (full < working.Length && working[full] == ulong.MaxValue)
        {
            full++;
        }

        var end = working.Length;
        while (end > full && working[end - 1] == 0)
        {
            end--;
        }

        return (full, end == full ? [] : working[full..end]);
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
        public ulong[] Tail;
        public TState State;
        public int Next;
    }
}
