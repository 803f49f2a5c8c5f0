namespace DistSync.KeyValue;

/// <summary>
/// One page of a range read: the keys in ordinal order, whether keys remain after the last one, and (for a count
/// read) how many keys the range holds.
/// </summary>
public sealed record KvRangePage(IReadOnlyList<KeyValuePair<string, KvValue>> Items, bool More, long Count);
