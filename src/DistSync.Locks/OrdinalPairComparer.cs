namespace DistSync.Locks;

/// <summary>Orders (string, string) pairs ordinally, first by the first item (culture-independent, same on every replica).</summary>
internal sealed class OrdinalPairComparer : IComparer<(string, string)>
{
    public static readonly OrdinalPairComparer Instance = new();

    public int Compare((string, string) x, (string, string) y)
    {
        var first = string.CompareOrdinal(x.Item1, y.Item1);
        return first != 0 ? first : string.CompareOrdinal(x.Item2, y.Item2);
    }
}
