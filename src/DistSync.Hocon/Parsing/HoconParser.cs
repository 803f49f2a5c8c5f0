using System.Text;

namespace DistSync.Hocon;

/// <summary>
/// Recursive-descent parser from tokens to syntax (<see cref="SyntaxObject"/> with values that may still hold
/// substitutions and concatenations). It checks syntax only; merging and resolution come later.
/// </summary>
internal sealed class HoconParser
{
    // Deeper nesting than this is almost certainly garbage input; refusing it keeps recursion off the stack limit.
    private const int MaxDepth = 256;

    private readonly List<HoconToken> tokens;
    private readonly string? baseDirectory;
    private int index;
    private int depth;

    private HoconParser(List<HoconToken> tokens, string? baseDirectory)
    {
        this.tokens = tokens;
        this.baseDirectory = baseDirectory;
    }

    /// <summary>Parses a whole document; the root braces are optional.</summary>
    /// <param name="baseDirectory">Directory that relative includes are taken from; null to forbid includes.</param>
    public static SyntaxObject ParseDocument(string text, string source, string? baseDirectory)
    {
        var parser = new HoconParser(HoconTokenizer.Tokenize(text, source), baseDirectory);
        return parser.ParseRoot();
    }

    /// <summary>Parses a single value such as <c>[a, b]</c> or <c>{ x = 1 }</c> (used for overrides).</summary>
    public static HoconValue ParseSingleValue(string text, string source)
    {
        var parser = new HoconParser(HoconTokenizer.Tokenize(text, source), baseDirectory: null);
        parser.SkipWhitespaceAndNewlines();
        var value = parser.ParseValue();
        parser.SkipWhitespaceAndNewlines();
        parser.Expect(HoconTokenKind.End, "end of value");
        return value;
    }

    private HoconToken Current => tokens[index];

    private HoconToken PeekPastWhitespace()
    {
        var i = index;
        while (tokens[i].Kind == HoconTokenKind.Whitespace)
        {
            i++;
        }

        return tokens[i];
    }

    private HoconToken Take() => tokens[index++];

    private void SkipWhitespace()
    {
        while (Current.Kind == HoconTokenKind.Whitespace)
        {
            index++;
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Current.Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            index++;
        }
    }

    private HoconToken Expect(HoconTokenKind kind, string what)
    {
        if (Current.Kind != kind)
        {
            throw new HoconParseException(Current.Origin, $"expected {what}, found {Current.Describe()}");
        }

        return Take();
    }

    private SyntaxObject ParseRoot()
    {
        SkipWhitespaceAndNewlines();
        if (Current.Kind == HoconTokenKind.OpenBracket)
        {
            throw new HoconParseException(Current.Origin, "the root of a HOCON document must be an object, not an array");
        }

        SyntaxObject root;
        if (Current.Kind == HoconTokenKind.OpenBrace)
        {
            root = ParseBracedObject();
            SkipWhitespaceAndNewlines();
            if (Current.Kind != HoconTokenKind.End)
            {
                throw new HoconParseException(Current.Origin, $"expected end of file after the root object's closing '}}', found {Current.Describe()}");
            }
        }
        else
        {
            root = ParseFields(Current.Origin, closing: null);
        }

        return root;
    }

    private SyntaxObject ParseBracedObject()
    {
        var open = Expect(HoconTokenKind.OpenBrace, "'{'");
        Enter(open.Origin);
        var result = ParseFields(open.Origin, open);
        depth--;
        return result;
    }

    /// <summary>Fields up to the closing brace (consumed) or, for a brace-less root, up to end of file.</summary>
    private SyntaxObject ParseFields(HoconOrigin origin, HoconToken? closing)
    {
        var entries = new List<SyntaxEntry>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            if (Current.Kind == HoconTokenKind.End)
            {
                if (closing is not null)
                {
                    throw new HoconParseException(Current.Origin, $"expected '}}' to close the object opened at {closing.Origin.Line}:{closing.Origin.Column}, found end of file");
                }

                return new SyntaxObject(entries, origin);
            }

            if (Current.Kind == HoconTokenKind.CloseBrace)
            {
                if (closing is null)
                {
                    throw new HoconParseException(Current.Origin, "unexpected '}' (no object is open here)");
                }

                Take();
                return new SyntaxObject(entries, origin);
            }

            entries.Add(IsIncludeStart() ? ParseInclude() : ParseField());

            // A field ends with a comma, a newline, or the closing brace / end of file.
            SkipWhitespace();
            switch (Current.Kind)
            {
                case HoconTokenKind.Comma:
                    Take();
                    break;
                case HoconTokenKind.Newline:
                case HoconTokenKind.CloseBrace:
                case HoconTokenKind.End:
                    break;
                default:
                    throw new HoconParseException(
                        Current.Origin,
                        $"expected ',' or a newline after the value, found {Current.Describe()}{QuoteHint(Current)}");
            }
        }
    }

    private static string QuoteHint(HoconToken token) =>
        token.Kind == HoconTokenKind.Separator ? " (put values containing ':' or '=' in double quotes)" : string.Empty;

    private bool IsIncludeStart()
    {
        if (Current.Kind != HoconTokenKind.UnquotedString || Current.Text != "include")
        {
            return false;
        }

        var next = tokens[index + 1];
        if (next.Kind != HoconTokenKind.Whitespace)
        {
            return false;
        }

        var after = PeekAfter(index + 1);
        return after.Kind == HoconTokenKind.QuotedString
            || (after.Kind == HoconTokenKind.UnquotedString && (after.Text.StartsWith("file(", StringComparison.Ordinal)
                || after.Text.StartsWith("required(", StringComparison.Ordinal)
                || after.Text.StartsWith("url(", StringComparison.Ordinal)
                || after.Text.StartsWith("classpath(", StringComparison.Ordinal)));
    }

    private HoconToken PeekAfter(int i)
    {
        while (tokens[i].Kind == HoconTokenKind.Whitespace)
        {
            i++;
        }

        return tokens[i];
    }

    private SyntaxInclude ParseInclude()
    {
        var keyword = Take();
        SkipWhitespace();

        // Unquoted text before the quoted name: "", "file(", "required(", "required(file(" and friends.
        var prefix = new StringBuilder();
        while (Current.Kind is HoconTokenKind.UnquotedString or HoconTokenKind.Whitespace)
        {
            if (Current.Kind == HoconTokenKind.UnquotedString)
            {
                prefix.Append(Current.Text);
            }

            Take();
        }

        var name = Expect(HoconTokenKind.QuotedString, "a quoted file name after 'include'");
        var kind = prefix.ToString();
        var required = false;
        if (kind.StartsWith("required(", StringComparison.Ordinal))
        {
            required = true;
            kind = kind["required(".Length..];
        }

        if (kind is "url(" or "classpath(")
        {
            throw new HoconParseException(keyword.Origin, $"include {kind}...) is not supported; use include file(\"...\") or a plain include \"...\"");
        }

        if (kind is not ("" or "file("))
        {
            throw new HoconParseException(keyword.Origin, $"malformed include: expected include \"name\", include file(\"name\") or include required(...), found '{prefix}'");
        }

        var openParens = prefix.ToString().Count(c => c == '(');
        var closeParens = 0;
        while (closeParens < openParens)
        {
            SkipWhitespace();
            if (Current.Kind != HoconTokenKind.UnquotedString || Current.Text.Any(c => c != ')'))
            {
                throw new HoconParseException(Current.Origin, $"expected ')' to close the include, found {Current.Describe()}");
            }

            closeParens += Take().Text.Length;
        }

        if (closeParens != openParens)
        {
            throw new HoconParseException(keyword.Origin, "unbalanced parentheses in include");
        }

        if (baseDirectory is null)
        {
            throw new HoconParseException(keyword.Origin, "include is not allowed in this text (no base directory to resolve it against)");
        }

        return new SyntaxInclude(name.Text, required, baseDirectory, keyword.Origin);
    }

    private SyntaxField ParseField()
    {
        var keyOrigin = Current.Origin;
        var path = ParseKey();
        SkipWhitespace();
        switch (Current.Kind)
        {
            case HoconTokenKind.OpenBrace:
                return new SyntaxField(path, ParseBracedObject(), Append: false, keyOrigin);
            case HoconTokenKind.Separator:
                Take();
                SkipWhitespaceAndNewlines();
                return new SyntaxField(path, ParseValue(), Append: false, keyOrigin);
            case HoconTokenKind.PlusEquals:
                Take();
                SkipWhitespaceAndNewlines();
                return new SyntaxField(path, ParseValue(), Append: true, keyOrigin);
            default:
                throw new HoconParseException(
                    Current.Origin,
                    $"expected '=', ':', '+=' or '{{' after key '{HoconPath.Render(path)}', found {Current.Describe()}");
        }
    }

    /// <summary>
    /// A key is a path expression made of unquoted text (dots split it), quoted text (taken literally) and the
    /// whitespace between them.
    /// </summary>
    private List<string> ParseKey()
    {
        var segments = new List<string>();
        var current = new StringBuilder();
        var hasContent = false;
        var start = Current.Origin;
        while (true)
        {
            var token = Current;
            if (token.Kind == HoconTokenKind.QuotedString)
            {
                current.Append(token.Text);
                hasContent = true;
            }
            else if (token.Kind == HoconTokenKind.UnquotedString)
            {
                foreach (var c in token.Text)
                {
                    if (c == '.')
                    {
                        if (!hasContent)
                        {
                            throw new HoconParseException(token.Origin, "a key must not contain an empty path segment (leading, trailing or doubled '.')");
                        }

                        segments.Add(current.ToString());
                        current.Clear();
                        hasContent = false;
                    }
                    else
                    {
                        current.Append(c);
                        hasContent = true;
                    }
                }
            }
            else if (token.Kind == HoconTokenKind.Whitespace && hasContent && IsKeyPiece(PeekAfter(index)))
            {
                current.Append(token.Text);
            }
            else if (token.Kind == HoconTokenKind.Substitution)
            {
                throw new HoconParseException(token.Origin, "substitutions are not allowed in keys");
            }
            else
            {
                break;
            }

            index++;
        }

        if (segments.Count == 0 && !hasContent)
        {
            throw new HoconParseException(start, $"expected a key, found {Current.Describe()}");
        }

        if (!hasContent)
        {
            throw new HoconParseException(start, "a key must not end with '.'");
        }

        segments.Add(current.ToString());
        return segments;
    }

    private static bool IsKeyPiece(HoconToken token) => token.Kind is HoconTokenKind.QuotedString or HoconTokenKind.UnquotedString;

    private static bool IsValueStart(HoconToken token) => token.Kind is HoconTokenKind.QuotedString
        or HoconTokenKind.UnquotedString
        or HoconTokenKind.Substitution
        or HoconTokenKind.OpenBrace
        or HoconTokenKind.OpenBracket;

    /// <summary>A value, or several written next to each other (a concatenation), up to a comma, newline or closer.</summary>
    private HoconValue ParseValue()
    {
        if (!IsValueStart(Current))
        {
            throw new HoconParseException(Current.Origin, $"expected a value, found {Current.Describe()}");
        }

        var origin = Current.Origin;
        var pieces = new List<HoconConcatenationPiece>();
        var whitespace = string.Empty;
        while (true)
        {
            if (IsValueStart(Current))
            {
                pieces.Add(new HoconConcatenationPiece(whitespace, ParseSingle()));
                whitespace = string.Empty;
            }
            else if (Current.Kind == HoconTokenKind.Whitespace && IsValueStart(PeekAfter(index)))
            {
                whitespace = Take().Text;
            }
            else
            {
                break;
            }
        }

        return pieces.Count == 1 ? pieces[0].Value : new HoconConcatenation(pieces, origin);
    }

    private HoconValue ParseSingle()
    {
        var token = Current;
        switch (token.Kind)
        {
            case HoconTokenKind.OpenBrace:
                return ParseBracedObject();
            case HoconTokenKind.OpenBracket:
                return ParseArray();
            case HoconTokenKind.Substitution:
                Take();
                return new HoconSubstitution(token.SubstitutionPath, token.OptionalSubstitution, token.Origin);
            case HoconTokenKind.QuotedString:
                Take();
                return new HoconScalar(token.Text, token.Origin);
            case HoconTokenKind.UnquotedString:
                Take();
                return new HoconScalar(token.Text == "null" ? null : token.Text, token.Origin);
            default:
                throw new HoconParseException(token.Origin, $"expected a value, found {token.Describe()}");
        }
    }

    private HoconArray ParseArray()
    {
        var open = Expect(HoconTokenKind.OpenBracket, "'['");
        Enter(open.Origin);
        var items = new List<HoconValue>();
        while (true)
        {
            SkipWhitespaceAndNewlines();
            if (Current.Kind == HoconTokenKind.CloseBracket)
            {
                Take();
                break;
            }

            if (Current.Kind == HoconTokenKind.End)
            {
                throw new HoconParseException(Current.Origin, $"expected ']' to close the array opened at {open.Origin.Line}:{open.Origin.Column}, found end of file");
            }

            items.Add(ParseValue());
            SkipWhitespace();
            switch (Current.Kind)
            {
                case HoconTokenKind.Comma:
                    Take();
                    break;
                case HoconTokenKind.Newline:
                case HoconTokenKind.CloseBracket:
                    break;
                case HoconTokenKind.End:
                    throw new HoconParseException(Current.Origin, $"expected ']' to close the array opened at {open.Origin.Line}:{open.Origin.Column}, found end of file");
                default:
                    throw new HoconParseException(Current.Origin, $"expected ',', a newline or ']' in array, found {Current.Describe()}{QuoteHint(Current)}");
            }
        }

        depth--;
        return new HoconArray(items, open.Origin);
    }

    private void Enter(HoconOrigin origin)
    {
        if (++depth > MaxDepth)
        {
            throw new HoconParseException(origin, $"objects and arrays are nested more than {MaxDepth} levels deep");
        }
    }
}
