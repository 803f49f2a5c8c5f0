namespace DistSync.Hocon;

/// <summary>
/// Several assignments to one field whose outcome depends on substitutions: resolved in order, objects merge
/// and anything else replaces; a layer that resolves to nothing (<c>${?MISSING}</c>) leaves the earlier value.
/// </summary>
internal sealed class HoconMergeStack : HoconValue
{
    private readonly List<HoconValue> layers;

    public HoconMergeStack(HoconValue first, HoconValue second)
        : base(first.Origin)
    {
        layers = first is HoconMergeStack stack ? [.. stack.layers, second] : [first, second];
    }

    public IReadOnlyList<HoconValue> Layers => layers;

    internal override bool IsUnresolved => true;

    public override string ToString() => string.Join(" <- ", layers);
}
