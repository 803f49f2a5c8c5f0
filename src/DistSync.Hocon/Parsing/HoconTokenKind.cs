namespace DistSync.Hocon;

internal enum HoconTokenKind
{
    End,
    Newline,
    Whitespace,
    OpenBrace,
    CloseBrace,
    OpenBracket,
    CloseBracket,
    Comma,

    /// <summary><c>=</c> or <c>:</c>.</summary>
    Separator,
    PlusEquals,
    QuotedString,
    UnquotedString,
    Substitution,
}
