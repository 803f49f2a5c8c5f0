namespace DistSync.Hocon;

/// <summary>Character classes from the HOCON specification.</summary>
internal static class HoconChars
{
    /// <summary>Characters that end an unquoted string (besides whitespace and the start of a <c>//</c> comment).</summary>
    public static bool IsForbiddenInUnquoted(char c) => c switch
    {
        '$' or '"' or '{' or '}' or '[' or ']' or ':' or '=' or ',' or '+' or '#' or '`' or '^' or '?' or '!' or '@' or '*' or '&' or '\\' => true,
        _ => false,
    };

    /// <summary>HOCON whitespace other than newline: Unicode space separators, tabs, BOM and friends.</summary>
    public static bool IsWhitespace(char c) => c switch
    {
        ' ' or '\t' or '\r' or '\v' or '\f' or '\uFEFF' or '\u001C' or '\u001D' or '\u001E' or '\u001F' => true,
        '\n' => false,
        _ => char.GetUnicodeCategory(c) is System.Globalization.UnicodeCategory.SpaceSeparator
            or System.Globalization.UnicodeCategory.LineSeparator
            or System.Globalization.UnicodeCategory.ParagraphSeparator,
    };
}
