using DistSync.KeyValue.Wire;

namespace DistSync.KeyValue;

/// <summary>
/// A range of keys in ordinal order: every key starting with <see cref="Prefix"/> when it is set (empty = every key),
/// else <c>From &lt;= key &lt; To</c>, an absent bound being open.
/// </summary>
public readonly record struct KvKeyRange(string? Prefix, string? From, string? To)
{
    public static KvKeyRange All { get; } = new("", null, null);

    public static KvKeyRange WithPrefix(string prefix) => new(prefix, null, null);

    public static KvKeyRange Between(string? from, string? to) => new(null, from, to);

    /// <summary>The single key <paramref name="key"/>.</summary>
    public static KvKeyRange Single(string key) => new(null, key, key + '\0');

    /// <summary>The smallest key the range can hold (null: from the first key).</summary>
    public string? Start => Prefix is { Length: > 0 } p ? p : Prefix is null ? From : null;

    public bool Contains(string key)
    {
        if (Prefix is not null) return key.StartsWith(Prefix, StringComparison.Ordinal);
        if (From is not null && string.CompareOrdinal(key, From) < 0) return false;
        return To is null || string.CompareOrdinal(key, To) < 0;
    }

    /// <summary>True when no key after <paramref name="key"/> (in ordinal order) can be in the range.</summary>
    public bool IsPast(string key)
    {
        if (Prefix is { Length: > 0 } p) return !key.StartsWith(p, StringComparison.Ordinal) && string.CompareOrdinal(key, p) > 0;
        return Prefix is null && To is not null && string.CompareOrdinal(key, To) >= 0;
    }

    public KeyRange ToWire()
    {
        var wire = new KeyRange();
        if (Prefix is not null) wire.Prefix = Prefix;
        else
        {
            if (From is not null) wire.From = From;
            if (To is not null) wire.To = To;
        }
        return wire;
    }

    public static KvKeyRange FromWire(KeyRange? wire) =>
        wire is null ? All
        : wire.HasPrefix ? new KvKeyRange(wire.Prefix, null, null)
        : new KvKeyRange(null, wire.HasFrom ? wire.From : null, wire.HasTo ? wire.To : null);
}
