namespace DistSync.Security;

/// <summary>
/// A token's resource restriction: every lock resource, queue name, cache/KV key and topic it names must start with
/// the prefix (ordinal, case-sensitive, like the keys themselves). An empty prefix restricts nothing.
/// </summary>
public static class ResourcePrefix
{
    /// <summary>True when <paramref name="name"/> lies under <paramref name="prefix"/>.</summary>
    public static bool Covers(string prefix, string name) => name.StartsWith(prefix, StringComparison.Ordinal);

    /// <summary>
    /// True when the whole key range [<paramref name="from"/>, <paramref name="to"/>) lies under the prefix: its start
    /// does, and its end is no later than the first key after every key with the prefix. An empty <paramref name="to"/>
    /// means "to the end of the key space", which only an unrestricted token may read.
    /// </summary>
    public static bool CoversRange(string prefix, string from, string to)
    {
        if (prefix.Length == 0) return true;
        if (!Covers(prefix, from) || to.Length == 0) return false;
        return Covers(prefix, to) || string.CompareOrdinal(to, End(prefix)) <= 0;
    }

    /// <summary>The smallest key after every key that starts with <paramref name="prefix"/> (etcd's range end), or ""
    /// when there is none (a prefix of only U+FFFF).</summary>
    public static string End(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (var i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] == char.MaxValue) continue;
            chars[i]++;
            return new string(chars, 0, i + 1);
        }
        return "";
    }
}
