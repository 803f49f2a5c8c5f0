namespace DistSync.Hocon;

/// <summary>
/// Values written next to each other (<c>foo bar</c>, <c>${a} ${b}</c>, <c>[1] [2]</c>, <c>${base} { x = 1 }</c>),
/// joined once their types are known. Each piece keeps the whitespace written before it, which string
/// concatenation preserves.
/// </summary>
internal sealed class HoconConcatenation : HoconValue
{
    public HoconConcatenation(IReadOnlyList<HoconConcatenationPiece> pieces, HoconOrigin origin)
        : base(origin)
    {
        Pieces = pieces;
    }

    public IReadOnlyList<HoconConcatenationPiece> Pieces { get; }

    internal override bool IsUnresolved => true;

    public override string ToString() => string.Concat(Pieces.Select(p => p.LeadingWhitespace + p.Value));
}
