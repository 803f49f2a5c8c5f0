namespace DistSync.KeyValue;

/// <summary>
/// The retained changes a watch can start from, oldest first, bounded by count and weight. Whole entries are dropped
/// from the front (never the newest one), so a version is either fully retained or fully compacted; everything up to
/// <see cref="CompactedThrough"/> is gone. Deterministic: the same entries give the same history on every replica.
/// </summary>
internal sealed class KvHistory
{
    private readonly List<KvChange> _changes = new();
    private int _start;
    private long _weight;

    public KvHistory(int maxChanges, long maxWeight)
    {
        MaxChanges = maxChanges;
        MaxWeight = maxWeight;
    }

    public int MaxChanges { get; }

    public long MaxWeight { get; }

    /// <summary>The highest version whose changes were dropped (0: none ever were).</summary>
    public long CompactedThrough { get; private set; }

    public int Count => _changes.Count - _start;

    public long Weight => _weight;

    public IEnumerable<KvChange> All()
    {
        for (var i = _start; i < _changes.Count; i++) yield return _changes[i];
    }

    public void Add(KvChange change)
    {
        _changes.Add(change);
        _weight += change.Weight;
    }

    /// <summary>Drops the oldest entries while over a bound, keeping the newest entry whole.</summary>
    public void Trim()
    {
        if (Count == 0) return;
        var newest = _changes[^1].Version;
        while ((Count > MaxChanges || _weight > MaxWeight) && _changes[_start].Version != newest)
        {
            var version = _changes[_start].Version;
            while (_start < _changes.Count && _changes[_start].Version == version)
            {
                _weight -= _changes[_start].Weight;
                _changes[_start] = null!;
                _start++;
            }
            CompactedThrough = version;
        }
        // Reclaim the dropped slots now and then, not on every trim.
        if (_start > 1024 && _start > _changes.Count / 2)
        {
            _changes.RemoveRange(0, _start);
            _start = 0;
        }
    }

    /// <summary>True when changes after <paramref name="after"/> may have been dropped: the watch cannot resume there.</summary>
    public bool IsCompacted(KvPosition after) => CompactedThrough > 0 && after < KvPosition.After(CompactedThrough);

    /// <summary>
    /// Copies up to <paramref name="max"/> retained changes after <paramref name="after"/> that fall in
    /// <paramref name="range"/> into <paramref name="into"/>; returns the position the read reached (the last change
    /// looked at, matching or not) and whether retained changes remain after it.
    /// </summary>
    public (KvPosition Reached, bool More) Read(KvPosition after, KvKeyRange range, int max, List<KvChange> into)
    {
        var i = FirstAfter(after);
        var reached = after;
        var taken = 0;
        for (; i < _changes.Count && taken < max; i++)
        {
            var c = _changes[i];
            reached = c.Position;
            if (!range.Contains(c.Key)) continue;
            into.Add(c);
            taken++;
        }
        return (reached, i < _changes.Count);
    }

    /// <summary>Restores a history read from a snapshot.</summary>
    public void Load(IEnumerable<KvChange> changes, long compactedThrough)
    {
        _changes.Clear();
        _start = 0;
        _weight = 0;
        foreach (var c in changes) Add(c);
        CompactedThrough = compactedThrough;
    }

    private int FirstAfter(KvPosition after)
    {
        int lo = _start, hi = _changes.Count;
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            if (_changes[mid].Position <= after) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }
}
