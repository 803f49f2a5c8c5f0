namespace DistSync.Hocon;

/// <summary>
/// One lexical token. <see cref="Text"/> is the unescaped content for strings, the raw text otherwise;
/// substitutions carry their parsed path.
/// </summary>
internal sealed record HoconToken(HoconTokenKind Kind, string Text, HoconOrigin Origin)
{
    public IReadOnlyList<string> SubstitutionPath { get; init; } = [];

    public bool OptionalSubstitution { get; init; }

    public string Describe() => Kind switch
    {
        HoconTokenKind.End => "end of file",
        HoconTokenKind.Newline => "newline",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.QuotedString => $"quoted string \"{Text}\"",
        HoconTokenKind.UnquotedString => $"'{Text}'",
        HoconTokenKind.Substitution => "substitution",
        _ => $"'{Text}'",
    };
}
