using System.Text;

namespace DistSync.Client;

/// <summary>
/// Which keys a range read, a range delete or a watch covers (docs/KV.md): every key with a prefix, one key, or
/// <c>from &lt;= key &lt; to</c> in ordinal order (either end open). Build one with <see cref="Prefix"/>,
/// <see cref="Key"/>, <see cref="Between"/> or <see cref="All"/>.
/// </summary>
public sealed record KvRange
{
    private KvRange(string? prefix, string? key, string? from, string? to)
    {
        PrefixValue = prefix;
        KeyValue = key;
        From = from;
        To = to;
    }

    /// <summary>The prefix of a <see cref="Prefix"/> range (empty: every key); null otherwise.</summary>
    public string? PrefixValue { get; }

    /// <summary>The key of a <see cref="Key"/> range; null otherwise.</summary>
    public string? KeyValue { get; }

    /// <summary>The inclusive start of a <see cref="Between"/> range; null for the first key.</summary>
    public string? From { get; }

    /// <summary>The exclusive end of a <see cref="Between"/> range; null for past the last key.</summary>
    public string? To { get; }

    /// <summary>Every key.</summary>
    public static KvRange All { get; } = new("", null, null, null);

    /// <summary>Every key starting with <paramref name="prefix"/> (<c>""</c>: every key).</summary>
    public static KvRange Prefix(string prefix) => new(prefix ?? throw new ArgumentNullException(nameof(prefix)), null, null, null);

    /// <summary>The one key <paramref name="key"/>.</summary>
    public static KvRange Key(string key) =>
        string.IsNullOrEmpty(key) ? throw new ArgumentException("the key is empty", nameof(key)) : new(null, key, null, null);

    /// <summary><c><paramref name="from"/> &lt;= key &lt; <paramref name="to"/></c>; a null end is open.</summary>
    public static KvRange Between(string? from, string? to)
    {
        if (from is not null && to is not null && string.CompareOrdinal(from, to) > 0)
            throw new ArgumentException($"the range's start '{from}' is after its end '{to}'", nameof(from));
        return new(null, null, from, to);
    }

    /// <summary>The query parameters naming this range (<c>prefix=…</c>, <c>key=…</c> or <c>from=…&amp;to=…</c>), escaped, without a leading separator.</summary>
    internal string Query(bool allowKey)
    {
        var b = new StringBuilder();
        if (PrefixValue is not null) Append(b, "prefix", PrefixValue);
        else if (KeyValue is not null)
        {
            // GET /kv and DELETE /kv have no key=. Keys hold no control characters (the node refuses them), so no key
            // lies between k and k + " " other than k itself: [k, k + " ") is the one key.
            if (allowKey) Append(b, "key", KeyValue);
            else
            {
                Append(b, "from", KeyValue);
                Append(b, "to", KeyValue + " ");
            }
        }
        else
        {
            if (From is not null) Append(b, "from", From);
            if (To is not null) Append(b, "to", To);
        }
        return b.ToString();
    }

    /// <summary>Whether <paramref name="key"/> falls in this range.</summary>
    public bool Contains(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (PrefixValue is not null) return key.StartsWith(PrefixValue, StringComparison.Ordinal);
        if (KeyValue is not null) return key == KeyValue;
        return (From is null || string.CompareOrdinal(key, From) >= 0) && (To is null || string.CompareOrdinal(key, To) < 0);
    }

    public override string ToString() =>
        PrefixValue is not null ? $"prefix '{PrefixValue}'" : KeyValue is not null ? $"key '{KeyValue}'" : $"['{From}', '{To}')";

    private static void Append(StringBuilder b, string name, string value)
    {
        if (b.Length > 0) b.Append('&');
        b.Append(name).Append('=').Append(Uri.EscapeDataString(value));
    }
}
