namespace DistSync.KeyValue;

public sealed partial class KvStateMachine
{
    /// <summary>Most keys one range page returns.</summary>
    public const int MaxRangeLimit = 10_000;

    /// <summary>
    /// The keys of <paramref name="range"/> strictly after <paramref name="after"/>, in ordinal order: at most
    /// <paramref name="limit"/>, with <see cref="KvRangePage.More"/> when keys remain; or, with
    /// <paramref name="countOnly"/>, only how many there are.
    /// </summary>
    public KvRangePage Range(KvKeyRange range, string? after, int limit, bool countOnly = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var items = new List<KeyValuePair<string, KvValue>>(countOnly ? 0 : Math.Min(limit, 1024));
        long count = 0;
        var more = false;
        foreach (var key in KeysFrom(range.Start, after))
        {
            if (range.IsPast(key)) break;
            if (!range.Contains(key)) continue;
            if (countOnly)
            {
                count++;
                continue;
            }
            if (items.Count == limit)
            {
                more = true;
                break;
            }
            items.Add(new KeyValuePair<string, KvValue>(key, _data[key]));
        }
        return new KvRangePage(items, more, countOnly ? count : items.Count);
    }

    /// <summary>
    /// Copies up to <paramref name="max"/> retained changes after <paramref name="after"/> in
    /// <paramref name="range"/>, in commit order, into <paramref name="into"/>; or says they were compacted.
    /// </summary>
    public KvChangeRead ReadChanges(KvPosition after, KvKeyRange range, int max, List<KvChange> into)
    {
        if (_history.IsCompacted(after)) return new KvChangeRead(true, _history.CompactedThrough + 1, after, false);
        var (reached, more) = _history.Read(after, range, max, into);
        return new KvChangeRead(false, _history.CompactedThrough + 1, reached, more);
    }

    /// <summary>True when changes after <paramref name="after"/> may have been compacted: a watch cannot resume there.</summary>
    public bool IsCompacted(KvPosition after) => _history.IsCompacted(after);

    /// <summary>The oldest version whose changes a watch can still start from.</summary>
    public long OldestWatchableVersion => _history.CompactedThrough + 1;

    /// <summary>The sorted keys from <paramref name="start"/> (inclusive) and strictly after <paramref name="after"/>.</summary>
    private IEnumerable<string> KeysFrom(string? start, string? after)
    {
        if (_sorted.Count == 0) yield break;
        var lower = start;
        if (after is not null && (lower is null || string.CompareOrdinal(after, lower) >= 0)) lower = after;
        var max = _sorted.Max!;
        if (lower is not null && string.CompareOrdinal(lower, max) > 0) yield break;
        // A view starts its walk at the lower bound: O(log n) to the first key, not a scan from the smallest.
        var keys = lower is null ? _sorted : _sorted.GetViewBetween(lower, max);
        foreach (var key in keys)
        {
            if (after is not null && string.CompareOrdinal(key, after) <= 0) continue;
            yield return key;
        }
    }
}
