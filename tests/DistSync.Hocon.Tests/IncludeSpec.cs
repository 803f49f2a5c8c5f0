namespace DistSync.Hocon.Tests;

public sealed class IncludeSpec : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    private HoconObject Load(string file) =>
        new HoconLoader(new Dictionary<string, string>()).AddFile(Path.Combine(dir.Path, file)).Resolve();

    [Fact]
    public void An_include_merges_the_other_file_in_place()
    {
        dir.Write("base.conf", "a = 1\nb = 2");
        dir.Write("main.conf", "include \"base.conf\"\nb = 3");
        var config = Load("main.conf");
        Assert.Equal("1", config.GetString("a"));
        Assert.Equal("3", config.GetString("b"));
    }

    [Fact]
    public void Fields_before_an_include_are_overridden_by_it()
    {
        dir.Write("base.conf", "b = from-include");
        dir.Write("main.conf", "b = before\ninclude \"base.conf\"");
        Assert.Equal("from-include", Load("main.conf").GetString("b"));
    }

    [Fact]
    public void Include_paths_are_relative_to_the_including_file()
    {
        dir.Write("conf/main.conf", "include \"modules/a.conf\"");
        dir.Write("conf/modules/a.conf", "include \"b.conf\"\na = 1");
        dir.Write("conf/modules/b.conf", "b = 2");
        var config = Load("conf/main.conf");
        Assert.Equal("1", config.GetString("a"));
        Assert.Equal("2", config.GetString("b"));
    }

    [Fact]
    public void Include_file_syntax_is_accepted()
    {
        dir.Write("x.conf", "x = 1");
        dir.Write("main.conf", "include file(\"x.conf\")");
        Assert.Equal("1", Load("main.conf").GetString("x"));
    }

    [Fact]
    public void A_plain_include_of_a_missing_file_is_ignored()
    {
        dir.Write("main.conf", "include \"missing.conf\"\na = 1");
        Assert.Equal("1", Load("main.conf").GetString("a"));
    }

    [Fact]
    public void A_required_include_of_a_missing_file_is_an_error_with_location()
    {
        var main = dir.Write("main.conf", "a = 1\n  include required(\"missing.conf\")");
        var error = Assert.Throws<HoconParseException>(() => Load("main.conf"));
        Assert.Equal(main, error.File);
        Assert.Equal(2, error.Line);
        Assert.Equal(3, error.Column);
        Assert.Contains("missing.conf", error.Message);
    }

    [Fact]
    public void Required_file_include_syntax_loads_an_existing_file()
    {
        dir.Write("x.conf", "x = 1");
        dir.Write("main.conf", "include required( file( \"x.conf\" ) )");
        Assert.Equal("1", Load("main.conf").GetString("x"));
    }

    [Fact]
    public void A_name_without_extension_finds_the_conf_file()
    {
        dir.Write("x.conf", "x = 1");
        dir.Write("main.conf", "include \"x\"");
        Assert.Equal("1", Load("main.conf").GetString("x"));
    }

    [Fact]
    public void An_include_inside_an_object_nests_the_included_fields()
    {
        dir.Write("inner.conf", "port = 1\nurl = \"h:\"${port}");
        dir.Write("main.conf", "svc { include \"inner.conf\" }");
        var config = Load("main.conf");
        Assert.Equal("1", config.GetString("svc.port"));
        Assert.Equal("h:1", config.GetString("svc.url"));
    }

    [Fact]
    public void Substitutions_in_included_files_see_the_including_tree()
    {
        dir.Write("module.conf", "remote.host = ${http.host}");
        dir.Write("main.conf", "include \"module.conf\"\nhttp.host = 10.1.1.1");
        Assert.Equal("10.1.1.1", Load("main.conf").GetString("remote.host"));
    }

    [Fact]
    public void A_file_including_itself_is_an_include_cycle()
    {
        dir.Write("self.conf", "include \"self.conf\"");
        var error = Assert.Throws<HoconParseException>(() => Load("self.conf"));
        Assert.Contains("include cycle", error.Message);
    }

    [Fact]
    public void An_indirect_include_cycle_is_reported_with_the_chain()
    {
        dir.Write("a.conf", "include \"b.conf\"");
        dir.Write("b.conf", "x = 1\ninclude \"a.conf\"");
        var error = Assert.Throws<HoconParseException>(() => Load("a.conf"));
        Assert.Contains("include cycle: a.conf -> b.conf -> a.conf", error.Message);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Including_the_same_file_twice_in_sequence_is_not_a_cycle()
    {
        dir.Write("x.conf", "n += 1");
        dir.Write("main.conf", "include \"x.conf\"\ninclude \"x.conf\"");
        Assert.Equal(["1", "1"], Hocon.List(Load("main.conf"), "n"));
    }

    [Fact]
    public void A_syntax_error_in_an_included_file_names_that_file()
    {
        var bad = dir.Write("bad.conf", "ok = 1\nbroken = {");
        dir.Write("main.conf", "include \"bad.conf\"");
        var error = Assert.Throws<HoconParseException>(() => Load("main.conf"));
        Assert.Equal(bad, error.File);
        Assert.Equal(2, error.Line);
    }

    [Fact]
    public void Url_includes_are_refused_with_a_clear_message()
    {
        dir.Write("main.conf", "include url(\"http://127.0.0.1/x.conf\")");
        var error = Assert.Throws<HoconParseException>(() => Load("main.conf"));
        Assert.Contains("not supported", error.Message);
    }

    [Fact]
    public void A_missing_top_level_file_is_a_file_not_found_error_unless_optional()
    {
        var path = Path.Combine(dir.Path, "nope.conf");
        Assert.Throws<FileNotFoundException>(() => new HoconLoader().AddFile(path));
        Assert.Equal(0, new HoconLoader().AddFile(path, optional: true).Resolve().Count);
    }

    [Fact]
    public void Includes_in_strings_are_relative_to_the_given_base_directory()
    {
        dir.Write("x.conf", "x = 1");
        var config = new HoconLoader().AddString("include \"x.conf\"", baseDirectory: dir.Path).Resolve();
        Assert.Equal("1", config.GetString("x"));
    }
}
