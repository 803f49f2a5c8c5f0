namespace DistSync.KeyValue;

/// <summary>
/// A place in the store's change stream: the entry's index and the change's number among that entry's changes.
/// Watches resume strictly after a position. <see cref="Ordinal"/> = <see cref="int.MaxValue"/> means "after every
/// change of that version".
/// </summary>
public readonly record struct KvPosition(long Version, int Ordinal) : IComparable<KvPosition>
{
    /// <summary>The position just before the first change of <paramref name="version"/>.</summary>
    public static KvPosition Before(long version) => new(version - 1, int.MaxValue);

    /// <summary>The position after every change of <paramref name="version"/>.</summary>
    public static KvPosition After(long version) => new(version, int.MaxValue);

    public int CompareTo(KvPosition other)
    {
        var c = Version.CompareTo(other.Version);
        return c != 0 ? c : Ordinal.CompareTo(other.Ordinal);
    }

    public static bool operator <(KvPosition a, KvPosition b) => a.CompareTo(b) < 0;
    public static bool operator >(KvPosition a, KvPosition b) => a.CompareTo(b) > 0;
    public static bool operator <=(KvPosition a, KvPosition b) => a.CompareTo(b) <= 0;
    public static bool operator >=(KvPosition a, KvPosition b) => a.CompareTo(b) >= 0;

    /// <summary>The SSE id: <c>{version}.{ordinal}</c>.</summary>
    public override string ToString() =>
        Ordinal == int.MaxValue ? Version.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Version}.{Ordinal}");

    /// <summary>Parses <c>{version}.{ordinal}</c> or <c>{version}</c> (after every change of that version).</summary>
    public static bool TryParse(string? text, out KvPosition position)
    {
        position = default;
        if (string.IsNullOrEmpty(text)) return false;
        var dot = text.IndexOf('.');
        var styles = System.Globalization.NumberStyles.None;
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        if (dot < 0)
        {
            if (!long.TryParse(text, styles, culture, out var v)) return false;
            position = After(v);
            return true;
        }
        if (!long.TryParse(text.AsSpan(0, dot), styles, culture, out var version)) return false;
        if (!int.TryParse(text.AsSpan(dot + 1), styles, culture, out var ordinal)) return false;
        position = new KvPosition(version, ordinal);
        return true;
    }
}
