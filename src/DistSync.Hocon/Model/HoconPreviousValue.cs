namespace DistSync.Hocon;

/// <summary>
/// A self-reference (<c>path = ${path} ...</c>, or the hidden one behind <c>+=</c>): it means the value the
/// field had before this assignment, not the final one. <see cref="Previous"/> is null when there was none.
/// </summary>
internal sealed class HoconPreviousValue : HoconValue
{
    public HoconPreviousValue(HoconValue? previous, IReadOnlyList<string> remainder, HoconSubstitution written)
        : base(written.Origin)
    {
        Previous = previous;
        Remainder = remainder;
        Written = written;
    }

    public HoconValue? Previous { get; }

    /// <summary>Path below the field, for <c>a = [${a.b}]</c>-style references into the previous value.</summary>
    public IReadOnlyList<string> Remainder { get; }

    /// <summary>The substitution as written, for error messages and the environment fallback.</summary>
    public HoconSubstitution Written { get; }

    internal override bool IsUnresolved => true;

    public override string ToString() => Written.ToString();
}
