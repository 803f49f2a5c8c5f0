namespace DistSync.Linearizability.Models;

/// <summary>
/// The keys of a range (docs/KV.md "Range"): those starting with <see cref="Prefix"/>, or else
/// <see cref="From"/> &lt;= key &lt; <see cref="To"/> (null = unbounded); then only keys after <see cref="After"/>,
/// at most <see cref="Limit"/> of them (0 = no limit). Keys order ordinally.
/// </summary>
public sealed record KvRange(string? Prefix = null, string? From = null, string? To = null, string? After = null, int Limit = 0)
{
    public static KvRange WithPrefix(string prefix, int limit = 0, string? after = null) => new(Prefix: prefix, After: after, Limit: limit);

    public static KvRange Between(string? from, string? to, int limit = 0, string? after = null) => new(From: from, To: to, After: after, Limit: limit);

    /// <summary>True when <paramref name="key"/> is in the range (ignoring the limit).</summary>
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (After is not null && string.CompareOrdinal(key, After) <= 0)
        {
            return false;
        }

        if (Prefix is not null)
        {
            return key.StartsWith(Prefix, StringComparison.Ordinal);
        }

        return (From is null || string.CompareOrdinal(key, From) >= 0) && (To is null || string.CompareOrdinal(key, To) < 0);
    }

    public override string ToString()
    {
        var keys = Prefix is not null ? $"prefix \"{Prefix}\"" : $"[{From ?? "-∞"}, {To ?? "∞"})";
        return keys + (After is null ? "" : $" after \"{After}\"") + (Limit == 0 ? "" : $" limit {Limit}");
    }
}
