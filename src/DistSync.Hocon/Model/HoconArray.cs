using System.Collections;

namespace DistSync.Hocon;

/// <summary>An ordered list of HOCON values.</summary>
public sealed class HoconArray : HoconValue, IReadOnlyList<HoconValue>
{
    private readonly List<HoconValue> items;

    public HoconArray(IEnumerable<HoconValue> items, HoconOrigin origin)
        : base(origin)
    {
        this.items = [.. items];
    }

    public int Count => items.Count;

    public HoconValue this[int index] => items[index];

    public IEnumerator<HoconValue> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"[{string.Join(", ", items)}]";
}
