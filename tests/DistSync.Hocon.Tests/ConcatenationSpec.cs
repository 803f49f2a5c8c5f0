namespace DistSync.Hocon.Tests;

public class ConcatenationSpec
{
    [Fact]
    public void Unquoted_words_join_with_the_whitespace_between_them()
    {
        Assert.Equal("foo bar  baz", Hocon.Get("a = foo bar  baz", "a"));
    }

    [Fact]
    public void Trailing_whitespace_and_comments_are_not_part_of_the_value()
    {
        Assert.Equal("foo bar", Hocon.Get("a = foo bar   # comment", "a"));
    }

    [Fact]
    public void Quoted_and_unquoted_pieces_concatenate()
    {
        Assert.Equal("foo bar:baz", Hocon.Get("a = foo \"bar:baz\"", "a"));
        Assert.Equal("x.y", Hocon.Get("a = x\".\"y", "a"));
    }

    [Fact]
    public void Substitutions_concatenate_with_strings()
    {
        var config = Hocon.Parse("host = localhost\nport = 8080\nurl = \"http://\"${host}\":\"${port}/api");
        Assert.Equal("http://localhost:8080/api", config.GetString("url"));
    }

    [Fact]
    public void Two_substitutions_keep_the_space_between_them()
    {
        Assert.Equal("a b", Hocon.Get("x = a\ny = b\nz = ${x} ${y}", "z"));
    }

    [Fact]
    public void Arrays_written_side_by_side_concatenate()
    {
        Assert.Equal(["1", "2", "3"], Hocon.List(Hocon.Parse("a = [1] [2, 3]"), "a"));
    }

    [Fact]
    public void Array_substitutions_concatenate()
    {
        var config = Hocon.Parse("x = [1, 2]\ny = [3]\nz = ${x} ${y} [4]");
        Assert.Equal(["1", "2", "3", "4"], Hocon.List(config, "z"));
    }

    [Fact]
    public void Objects_written_side_by_side_merge()
    {
        var config = Hocon.Parse("base { a = 1, b = 2 }\nderived = ${base} { b = 3, c = 4 }");
        Assert.Equal("1", config.GetString("derived.a"));
        Assert.Equal("3", config.GetString("derived.b"));
        Assert.Equal("4", config.GetString("derived.c"));
        Assert.Equal("2", config.GetString("base.b"));
    }

    [Fact]
    public void Null_inside_a_string_concatenation_becomes_the_word_null()
    {
        Assert.Equal("a null b", Hocon.Get("x = a null b", "x"));
    }

    [Fact]
    public void Mixing_an_array_and_a_string_is_an_error_naming_the_location()
    {
        var error = Hocon.ParseError("x = [1]\ny = ${x} foo");
        Assert.IsType<HoconResolveException>(error);
        Assert.Equal(2, error.Line);
        Assert.Contains("cannot concatenate an array and a string", error.Message);
    }

    [Fact]
    public void Mixing_an_object_and_an_array_is_an_error()
    {
        var error = Hocon.ParseError("x = { a = 1 } [2]");
        Assert.Contains("cannot concatenate an object and an array", error.Message);
    }

    [Fact]
    public void An_undefined_optional_piece_drops_out_with_its_whitespace()
    {
        Assert.Equal("a b", Hocon.Get("x = a ${?nope} b", "x"));
        Assert.Equal("b", Hocon.Get("x = ${?nope} b", "x"));
    }

    [Fact]
    public void Concatenation_works_inside_arrays()
    {
        Assert.Equal(["a b", "c"], Hocon.List(Hocon.Parse("x = [a b, c]"), "x"));
    }
}
