namespace DistSync.Linearizability.Models;

/// <summary>
/// The state of <see cref="KvTxnModel"/> for one part of a history: the keys that are not absent, sorted
/// ordinally, and <see cref="Floor"/>, the smallest index the next Raft entry may have (every write is one entry
/// of the one meta group, so versions grow across keys too). Immutable, compared by value for memoisation.
/// </summary>
public sealed class KvStoreState : IEquatable<KvStoreState>
{
    private readonly string[] _keys;
    private readonly KvEntryState[] _entries;
    private readonly int _hash;

    public static KvStoreState Empty { get; } = new([], [], 1);

    /// <param name="keys">Sorted ordinally, distinct.</param>
    /// <param name="entries">The keys' states, none absent.</param>
    /// <param name="floor">The smallest index the next entry may have.</param>
    internal KvStoreState(string[] keys, KvEntryState[] entries, long floor)
    {
        _keys = keys;
        _entries = entries;
        Floor = floor;
        var hash = new HashCode();
        hash.Add(floor);
        for (var i = 0; i < keys.Length; i++)
        {
            hash.Add(keys[i]);
            hash.Add(entries[i]);
        }

        _hash = hash.ToHashCode();
    }

    public long Floor { get; }

    /// <summary>The keys that are present or unknown, sorted ordinally.</summary>
    public IReadOnlyList<string> Keys => _keys;

    public KvEntryState this[string key]
    {
        get
        {
            var i = Array.BinarySearch(_keys, key, StringComparer.Ordinal);
            return i >= 0 ? _entries[i] : KvEntryState.Absent;
        }
    }

    internal ReadOnlySpan<KvEntryState> Entries => _entries;

    public bool Equals(KvStoreState? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (_hash == other._hash && Floor == other.Floor && _keys.AsSpan().SequenceEqual(other._keys) && _entries.AsSpan().SequenceEqual(other._entries)));

    public override bool Equals(object? obj) => obj is KvStoreState other && Equals(other);

    public override int GetHashCode() => _hash;

    public override string ToString()
    {
        var keys = _keys.Length == 0 ? "empty" : string.Join(", ", _keys.Select((k, i) => $"{k}={_entries[i]}"));
        return $"{{{keys}}} next≥{Floor}";
    }
}
