namespace DistSync.Linearizability;

/// <summary>
/// The set of operations linearized so far on the current search branch: a bitset over operation ids (call
/// order) that also keeps, incrementally, a Zobrist hash and the window of words that are neither all ones
/// (<see cref="FullWords"/> below it) nor all zeros (<see cref="EndWord"/> and above). Operations are linearized
/// roughly in call order, so that window stays small and comparing or copying a set costs O(window), not O(n).
/// </summary>
internal sealed class LinearizedSet
{
    private readonly ulong[] _words;

    public LinearizedSet(int count)
    {
        _words = new ulong[(count + 63) / 64];
    }

    /// <summary>Words [0, FullWords) are all ones.</summary>
    public int FullWords { get; private set; }

    /// <summary>Words [EndWord, length) are all zeros.</summary>
    public int EndWord { get; private set; }

    public ulong Hash { get; private set; }

    public void Add(int id)
    {
        var w = id >> 6;
        _words[w] |= 1UL << (id & 63);
        Hash ^= ZobristKey(id);
        if (w >= EndWord)
        {
            EndWord = w + 1;
        }

        while (FullWords < EndWord && _words[FullWords] == ulong.MaxValue)
        {
            FullWords++;
        }
    }

    public void Remove(int id)
    {
        var w = id >> 6;
        _words[w] &= ~(1UL << (id & 63));
        Hash ^= ZobristKey(id);
        if (w < FullWords)
        {
            FullWords = w;
        }

        while (EndWord > FullWords && _words[EndWord - 1] == 0)
        {
            EndWord--;
        }
    }

    public bool Contains(int id) => (_words[id >> 6] & (1UL << (id & 63))) != 0;

    /// <summary>The words between <see cref="FullWords"/> and <see cref="EndWord"/>, copied.</summary>
    public ulong[] CopyWindow() => EndWord == FullWords ? [] : _words[FullWords..EndWord];

    /// <summary>True when this set equals the one stored as (<paramref name="fullWords"/>, <paramref name="window"/>).</summary>
    public bool SameAs(int fullWords, ulong[] window)
    {
        if (fullWords != FullWords || window.Length != EndWord - FullWords)
        {
            return false;
        }

        return _words.AsSpan(FullWords, window.Length).SequenceEqual(window);
    }

    private static ulong ZobristKey(int id)
    {
        // SplitMix64 of the id: a fixed pseudo-random key per operation, so the hash updates in O(1).
        var z = (ulong)(id + 1) * 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
