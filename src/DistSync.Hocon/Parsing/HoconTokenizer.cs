using System.Text;

namespace DistSync.Hocon;

/// <summary>
/// Splits HOCON text into tokens. Comments are dropped (the newline ending them is kept, since newlines
/// separate fields); whitespace is kept because value concatenation preserves it.
/// </summary>
internal sealed class HoconTokenizer
{
    private readonly string text;
    private readonly string source;
    private int position;
    private int line = 1;
    private int column = 1;

    private HoconTokenizer(string text, string source)
    {
        this.text = text;
        this.source = source;
    }

    public static List<HoconToken> Tokenize(string text, string source)
    {
        var tokenizer = new HoconTokenizer(text, source);
        var tokens = new List<HoconToken>();
        HoconToken token;
        do
        {
            token = tokenizer.Next();
            tokens.Add(token);
        }
        while (token.Kind != HoconTokenKind.End);

        return tokens;
    }

    private HoconOrigin Here => new(source, line, column);

    private char Peek(int ahead = 0) => position + ahead < text.Length ? text[position + ahead] : '\0';

    private bool AtEnd(int ahead = 0) => position + ahead >= text.Length;

    private void Advance(int count = 1)
    {
        for (var i = 0; i < count && position < text.Length; i++)
        {
            if (text[position] == '\n')
            {
                line++;
                column = 1;
            }
            else
            {
                column++;
            }

            position++;
        }
    }

    private HoconToken Next()
    {
        while (true)
        {
            var start = Here;
            if (AtEnd())
            {
                return new HoconToken(HoconTokenKind.End, string.Empty, start);
            }

            var c = Peek();
            if (c == '#' || (c == '/' && Peek(1) == '/'))
            {
                SkipComment();
                continue;
            }

            switch (c)
            {
                case '\n':
                    Advance();
                    return new HoconToken(HoconTokenKind.Newline, "\n", start);
                case '{':
                    Advance();
                    return new HoconToken(HoconTokenKind.OpenBrace, "{", start);
                case '}':
                    Advance();
                    return new HoconToken(HoconTokenKind.CloseBrace, "}", start);
                case '[':
                    Advance();
                    return new HoconToken(HoconTokenKind.OpenBracket, "[", start);
                case ']':
                    Advance();
                    return new HoconToken(HoconTokenKind.CloseBracket, "]", start);
                case ',':
                    Advance();
                    return new HoconToken(HoconTokenKind.Comma, ",", start);
                case '=' or ':':
                    Advance();
                    return new HoconToken(HoconTokenKind.Separator, c.ToString(), start);
                case '+':
                    if (Peek(1) != '=')
                    {
                        throw new HoconParseException(start, "'+' is only allowed as part of '+='; quote the value if it contains '+'");
                    }

                    Advance(2);
                    return new HoconToken(HoconTokenKind.PlusEquals, "+=", start);
                case '"':
                    return Peek(1) == '"' && Peek(2) == '"' ? ReadTripleQuoted(start) : ReadQuoted(start);
                case '$':
                    return ReadSubstitution(start);
            }

            if (HoconChars.IsWhitespace(c))
            {
                var begin = position;
                while (!AtEnd() && HoconChars.IsWhitespace(Peek()))
                {
                    Advance();
                }

                return new HoconToken(HoconTokenKind.Whitespace, text[begin..position], start);
            }

            if (HoconChars.IsForbiddenInUnquoted(c))
            {
                throw new HoconParseException(start, $"character '{c}' is not allowed here; put the value in double quotes");
            }

            return ReadUnquoted(start);
        }
    }

    private void SkipComment()
    {
        while (!AtEnd() && Peek() != '\n')
        {
            Advance();
        }
    }

    private HoconToken ReadUnquoted(HoconOrigin start)
    {
        var begin = position;
        while (!AtEnd())
        {
            var c = Peek();
            if (c == '\n' || HoconChars.IsWhitespace(c) || HoconChars.IsForbiddenInUnquoted(c) || (c == '/' && Peek(1) == '/'))
            {
                break;
            }

            Advance();
        }

        return new HoconToken(HoconTokenKind.UnquotedString, text[begin..position], start);
    }

    private HoconToken ReadQuoted(HoconOrigin start)
    {
        Advance(); // opening quote
        var begin = position;
        while (true)
        {
            if (AtEnd() || Peek() == '\n')
            {
                throw new HoconParseException(start, "unterminated quoted string (a quoted string must end on the same line; use \"\"\" for multi-line text)");
            }

            var c = Peek();
            if (c == '"')
            {
                break;
            }

            if (c == '\\')
            {
                Advance();
                if (AtEnd() || Peek() == '\n')
                {
                    continue;
                }
            }

            Advance();
        }

        var body = text.AsSpan(begin, position - begin);
        Advance(); // closing quote
        var builder = new StringBuilder(body.Length);
        if (!HoconStringEscapes.TryUnescape(body, builder, out var error))
        {
            throw new HoconParseException(start, error);
        }

        return new HoconToken(HoconTokenKind.QuotedString, builder.ToString(), start);
    }

    private HoconToken ReadTripleQuoted(HoconOrigin start)
    {
        Advance(3);
        var begin = position;
        while (true)
        {
            if (AtEnd())
            {
                throw new HoconParseException(start, "unterminated triple-quoted string (missing closing \"\"\")");
            }

            if (Peek() == '"' && Peek(1) == '"' && Peek(2) == '"')
            {
                // A run of more than three quotes ends with the last three; the extra ones belong to the string.
                while (Peek(3) == '"')
                {
                    Advance();
                }

                var body = text[begin..position];
                Advance(3);
                return new HoconToken(HoconTokenKind.QuotedString, body, start);
            }

            Advance();
        }
    }

    private HoconToken ReadSubstitution(HoconOrigin start)
    {
        if (Peek(1) != '{')
        {
            throw new HoconParseException(start, "'$' must start a substitution '${path}'; quote the value if it contains '$'");
        }

        Advance(2);
        var optional = false;
        if (Peek() == '?')
        {
            optional = true;
            Advance();
        }

        var begin = position;
        while (true)
        {
            if (AtEnd() || Peek() == '\n')
            {
                throw new HoconParseException(start, "unterminated substitution (missing '}')");
            }

            var c = Peek();
            if (c == '}')
            {
                break;
            }

            if (c == '"')
            {
                Advance();
                while (!AtEnd() && Peek() != '"' && Peek() != '\n')
                {
                    if (Peek() == '\\')
                    {
                        Advance();
                    }

                    Advance();
                }

                if (Peek() != '"')
                {
                    throw new HoconParseException(start, "unterminated quoted segment in substitution");
                }
            }

            Advance();
        }

        var expression = text[begin..position];
        Advance(); // closing brace
        if (!HoconPath.TryParse(expression, out var path, out var error))
        {
            throw new HoconParseException(start, $"invalid substitution '${{{(optional ? "?" : string.Empty)}{expression}}}': {error}");
        }

        return new HoconToken(HoconTokenKind.Substitution, expression, start)
        {
            SubstitutionPath = path,
            OptionalSubstitution = optional,
        };
    }
}
