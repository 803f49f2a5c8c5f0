namespace DistSync.Hocon.Tests;

/// <summary>Every syntax error names file, line and column of the offending token.</summary>
public class SyntaxErrorSpec
{
    [Theory]
    [InlineData("a {\n  b = 1\n", 3, 1, "expected '}' to close the object opened at 1:3")]
    [InlineData("a = 1\nb = [1, 2", 2, 10, "expected ']' to close the array opened at 2:5")]
    [InlineData("a = 1\n   b\nc = 2", 2, 5, "expected '=', ':', '+=' or '{' after key 'b'")]
    [InlineData("a = \"unterminated\nb = 2", 1, 5, "unterminated quoted string")]
    [InlineData("a = 1 }", 1, 7, "unexpected '}'")]
    [InlineData("a = b:c", 1, 6, "put values containing ':' or '=' in double quotes")]
    [InlineData("a = \"\\q\"", 1, 5, "'\\q' is not a valid escape")]
    [InlineData("a = ${unclosed", 1, 5, "unterminated substitution")]
    [InlineData("a = ${}", 1, 5, "invalid substitution")]
    [InlineData("a = 1 + 2", 1, 7, "'+' is only allowed as part of '+='")]
    [InlineData("a..b = 1", 1, 1, "empty path segment")]
    [InlineData("a. = 1", 1, 1, "must not end with '.'")]
    [InlineData("a =", 1, 4, "expected a value, found end of file")]
    [InlineData("a = ,", 1, 5, "expected a value")]
    [InlineData("[1, 2]", 1, 1, "root of a HOCON document must be an object")]
    [InlineData("{ a = 1 } b = 2", 1, 11, "expected end of file")]
    [InlineData("${x} = 1", 1, 1, "substitutions are not allowed in keys")]
    [InlineData("a = \"\"\"never closed", 1, 5, "unterminated triple-quoted string")]
    [InlineData("a = 1\nb = @x", 2, 5, "character '@' is not allowed here")]
    [InlineData("x = [1 2, 3 : 4]", 1, 13, "expected ',', a newline or ']' in array")]
    public void Syntax_errors_report_line_column_and_reason(string text, int line, int column, string reason)
    {
        var error = Hocon.ParseError(text, "hocon/node.conf");
        Assert.IsNotType<HoconResolveException>(error);
        Assert.Equal("hocon/node.conf", error.File);
        Assert.Contains(reason, error.Message);
        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.StartsWith($"hocon/node.conf:{line}:{column}: ", error.Message);
    }

    [Fact]
    public void Columns_count_characters_not_bytes()
    {
        var error = Hocon.ParseError("ключ = 1 }");
        Assert.Equal((1, 10), (error.Line, error.Column));
    }

    [Fact]
    public void Absurdly_deep_nesting_is_refused_instead_of_crashing()
    {
        var text = "a = " + new string('[', 10_000) + new string(']', 10_000);
        var error = Hocon.ParseError(text);
        Assert.Contains("nested more than", error.Message);
    }

    [Fact]
    public void Random_garbage_never_escapes_as_anything_but_a_parse_error()
    {
        var random = new Random(20240611);
        const string alphabet = "ab.=:{}[],\"$?#/\n \t+\\u0123xyz`!";
        for (var run = 0; run < 2000; run++)
        {
            var chars = new char[random.Next(1, 40)];
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            try
            {
                new HoconLoader(new Dictionary<string, string>()).AddString(text).Resolve();
            }
            catch (HoconParseException)
            {
                // expected for most inputs
            }
        }
    }
}
