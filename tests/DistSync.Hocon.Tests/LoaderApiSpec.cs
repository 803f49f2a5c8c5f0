namespace DistSync.Hocon.Tests;

public sealed class LoaderApiSpec : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Sources_apply_in_the_order_they_were_added()
    {
        var config = new HoconLoader(new Dictionary<string, string>())
            .AddString("a = 1\nb = 1")
            .AddString("b = 2")
            .AddValue("c", "3")
            .Resolve();
        Assert.Equal(("1", "2", "3"), (config.GetString("a"), config.GetString("b"), config.GetString("c")));
    }

    [Fact]
    public void A_later_string_may_be_referred_to_by_an_earlier_one()
    {
        var config = new HoconLoader(new Dictionary<string, string>()).AddString("a = ${b}").AddString("b = late").Resolve();
        Assert.Equal("late", config.GetString("a"));
    }

    [Fact]
    public void An_object_override_merges_with_the_existing_object()
    {
        var config = new HoconLoader(new Dictionary<string, string>())
            .AddString("http { host = h, port = 1 }")
            .AddValue("http", "{ port = 2 }")
            .Resolve();
        Assert.Equal("h", config.GetString("http.host"));
        Assert.Equal("2", config.GetString("http.port"));
    }

    [Fact]
    public void Optional_substitutions_that_find_nothing_drop_out_of_arrays()
    {
        var config = Hocon.Parse("a = 1\nx = [${?a}, ${?missing}, 3]");
        Assert.Equal(["1", "3"], Hocon.List(config, "x"));
    }

    [Fact]
    public void A_nested_include_can_still_refer_to_root_paths()
    {
        dir.Write("inner.conf", "url = ${http.host}");
        var main = dir.Write("main.conf", "http.host = h1\nsvc { include \"inner.conf\" }");
        var config = new HoconLoader(new Dictionary<string, string>()).AddFile(main).Resolve();
        Assert.Equal("h1", config.GetString("svc.url"));
    }

    [Fact]
    public void Resolve_can_be_called_again_after_adding_more()
    {
        var loader = new HoconLoader(new Dictionary<string, string>()).AddString("a = 1\nb = ${a}");
        Assert.Equal("1", loader.Resolve().GetString("b"));
        loader.AddValue("a", "2");
        Assert.Equal("2", loader.Resolve().GetString("b"));
    }

    [Theory]
    [InlineData("a.b.c", new[] { "a", "b", "c" })]
    [InlineData("a.\"b.c\"", new[] { "a", "b.c" })]
    [InlineData("\"\".x", new[] { "", "x" })]
    [InlineData("http-port", new[] { "http-port" })]
    public void Paths_parse_into_segments_and_render_back(string path, string[] segments)
    {
        Assert.Equal(segments, HoconPath.Parse(path));
        Assert.Equal(segments, HoconPath.Parse(HoconPath.Render(segments)));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a.")]
    [InlineData("a.\"b")]
    public void Malformed_paths_are_rejected(string path)
    {
        Assert.Throws<ArgumentException>(() => HoconPath.Parse(path));
    }

    [Fact]
    public void Origins_point_at_the_value_in_its_file()
    {
        var file = dir.Write("o.conf", "a {\n  b = 42\n}");
        var config = new HoconLoader().AddFile(file).Resolve();
        Assert.True(config.TryGetPath("a.b", out var value));
        Assert.Equal(new HoconOrigin(file, 2, 7), value.Origin);
    }
}
