namespace DistSync.Hocon.Tests;

public class BasicSyntaxSpec
{
    [Fact]
    public void Equals_and_colon_both_separate_key_and_value()
    {
        var config = Hocon.Parse("a = 1\nb : 2");
        Assert.Equal("1", config.GetString("a"));
        Assert.Equal("2", config.GetString("b"));
    }

    [Fact]
    public void Root_braces_are_optional()
    {
        Assert.Equal("x", Hocon.Get("{ a = x }", "a"));
        Assert.Equal("x", Hocon.Get("a = x", "a"));
    }

    [Fact]
    public void A_brace_after_a_key_opens_an_object_without_separator()
    {
        Assert.Equal("1", Hocon.Get("a { b { c = 1 } }", "a.b.c"));
    }

    [Fact]
    public void Dotted_keys_create_nested_objects()
    {
        var config = Hocon.Parse("a.b.c = 1");
        var a = Assert.IsType<HoconObject>(config["a"]);
        var b = Assert.IsType<HoconObject>(a["b"]);
        Assert.Equal("1", Assert.IsType<HoconScalar>(b["c"]).Text);
    }

    [Fact]
    public void Quoted_key_segments_keep_their_dots()
    {
        var config = Hocon.Parse("a.\"b.c\".d = 1");
        var a = Assert.IsType<HoconObject>(config["a"]);
        Assert.Equal(["b.c"], a.Keys);
        Assert.Equal("1", config.GetString("a.\"b.c\".d"));
    }

    [Fact]
    public void Commas_and_newlines_both_separate_fields()
    {
        var config = Hocon.Parse("a = 1, b = 2\nc = 3,\nd = 4");
        Assert.Equal(["a", "b", "c", "d"], config.Keys);
    }

    [Fact]
    public void Hash_and_double_slash_start_comments()
    {
        var config = Hocon.Parse("# heading\na = 1 # trailing\n// another\nb = 2 // trailing too");
        Assert.Equal("1", config.GetString("a"));
        Assert.Equal("2", config.GetString("b"));
        Assert.Equal(2, config.Count);
    }

    [Fact]
    public void A_comment_at_the_end_without_a_newline_is_fine()
    {
        Assert.Equal("1", Hocon.Get("a = 1\n# last line", "a"));
        Assert.Equal("1", Hocon.Get("a = 1 // no newline after me", "a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n  ")]
    [InlineData("# only a comment")]
    [InlineData("{}")]
    [InlineData("\uFEFF")]
    public void An_empty_document_is_an_empty_object(string text)
    {
        Assert.Equal(0, Hocon.Parse(text).Count);
    }

    [Fact]
    public void Quoted_strings_understand_json_escapes()
    {
        Assert.Equal("a\"b\\c/d\n\t\u00e9", Hocon.Get("x = \"a\\\"b\\\\c\\/d\\n\\t\\u00e9\"", "x"));
    }

    [Fact]
    public void Unicode_text_passes_through_unquoted_and_quoted()
    {
        var config = Hocon.Parse("greeting = grüße\n\"ключ\" = \"值 🙂\"");
        Assert.Equal("grüße", config.GetString("greeting"));
        Assert.Equal("值 🙂", config.GetString("ключ"));
    }

    [Fact]
    public void Triple_quoted_strings_span_lines_without_escapes()
    {
        var text = "x = \"\"\"line one\n  \"quoted\" \\n raw\nline three\"\"\"";
        Assert.Equal("line one\n  \"quoted\" \\n raw\nline three", Hocon.Get(text, "x"));
    }

    [Fact]
    public void Extra_quotes_at_the_end_of_a_triple_quoted_string_belong_to_the_string()
    {
        Assert.Equal("ab\"\"", Hocon.Get("x = \"\"\"ab\"\"\"\"\"", "x"));
    }

    [Fact]
    public void Unquoted_values_keep_the_text_as_written()
    {
        var config = Hocon.Parse("d = 200ms\nsize = 64MiB\nflag = on\nn = 1.50\nip = 10.0.0.1\npath = /var/lib/dsync");
        Assert.Equal("200ms", config.GetString("d"));
        Assert.Equal("64MiB", config.GetString("size"));
        Assert.Equal("on", config.GetString("flag"));
        Assert.Equal("1.50", config.GetString("n"));
        Assert.Equal("10.0.0.1", config.GetString("ip"));
        Assert.Equal("/var/lib/dsync", config.GetString("path"));
    }

    [Fact]
    public void Null_is_a_value_without_text()
    {
        var config = Hocon.Parse("a = null\nb = \"null\"");
        Assert.True(Assert.IsType<HoconScalar>(config["a"]).IsNull);
        Assert.Equal("null", config.GetString("b"));
    }

    [Fact]
    public void A_value_may_start_on_the_line_after_the_separator()
    {
        Assert.Equal("1", Hocon.Get("a =\n  1", "a"));
    }

    [Fact]
    public void Arrays_hold_values_separated_by_commas_or_newlines()
    {
        var config = Hocon.Parse("a = [1, 2\n 3,\n\n 4,]\nb = []");
        Assert.Equal(["1", "2", "3", "4"], Hocon.List(config, "a"));
        Assert.Empty(Assert.IsType<HoconArray>(config["b"]));
    }

    [Fact]
    public void Arrays_can_hold_objects_and_arrays()
    {
        var config = Hocon.Parse("a = [{ x = 1 }, [2, 3]]");
        var a = Assert.IsType<HoconArray>(config["a"]);
        Assert.Equal("1", Assert.IsType<HoconObject>(a[0]).GetString("x"));
        Assert.Equal(2, Assert.IsType<HoconArray>(a[1]).Count);
    }

    [Fact]
    public void A_json_document_is_valid_hocon()
    {
        var config = Hocon.Parse("{\"a\": {\"b\": [1, true, null, \"s\"]}, \"c\": 1.5e3}");
        Assert.Equal(["1", "true", null, "s"], Hocon.List(config, "a.b"));
        Assert.Equal("1.5e3", config.GetString("c"));
    }

    [Fact]
    public void Whitespace_inside_an_unquoted_key_is_kept()
    {
        Assert.Equal("1", Hocon.Parse("a b = 1").GetString("\"a b\""));
    }

    [Fact]
    public void A_key_named_include_is_an_ordinary_key_when_not_followed_by_a_file()
    {
        Assert.Equal("5", Hocon.Get("include = 5", "include"));
    }
}
