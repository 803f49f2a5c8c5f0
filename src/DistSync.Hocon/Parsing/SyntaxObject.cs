namespace DistSync.Hocon;

/// <summary>
/// An object literal as written: its fields and includes in source order, before duplicate keys are merged
/// (merging needs the absolute path, which <see cref="HoconTreeBuilder"/> knows and the parser does not).
/// </summary>
internal sealed class SyntaxObject : HoconValue
{
    public SyntaxObject(IReadOnlyList<SyntaxEntry> entries, HoconOrigin origin)
        : base(origin)
    {
        Entries = entries;
    }

    public IReadOnlyList<SyntaxEntry> Entries { get; }

    public override string ToString() => "{...}";
}
