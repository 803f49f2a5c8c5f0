using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon.Tests;

public sealed class ConfigurationProviderSpec : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Hocon_paths_become_colon_separated_keys_with_hyphens_kept()
    {
        var config = new ConfigurationBuilder().AddHoconString("dsync.node { http-port = 8081, \"odd.key\" = x }").Build();
        Assert.Equal("8081", config["dsync:node:http-port"]);
        Assert.Equal("x", config["dsync:node:odd.key"]);
    }

    [Fact]
    public void Arrays_become_indexed_keys()
    {
        var config = new ConfigurationBuilder().AddHoconString("seeds = [\"a:1\", \"b:2\"]\nnested = [[1], { x = 2 }]").Build();
        Assert.Equal("a:1", config["seeds:0"]);
        Assert.Equal("b:2", config["seeds:1"]);
        Assert.Equal("1", config["nested:0:0"]);
        Assert.Equal("2", config["nested:1:x"]);
    }

    [Fact]
    public void Values_stay_as_written()
    {
        var config = new ConfigurationBuilder().AddHoconString("t = 200ms\nflag = on\nn = 007").Build();
        Assert.Equal("200ms", config["t"]);
        Assert.Equal("on", config["flag"]);
        Assert.Equal("007", config["n"]);
    }

    [Fact]
    public void Sections_and_binding_work_on_hocon_data()
    {
        var config = new ConfigurationBuilder().AddHoconString("dsync.http { host = 127.0.0.1, port = 8080 }").Build();
        var http = config.GetSection("dsync:http");
        Assert.Equal(["host", "port"], http.GetChildren().Select(c => c.Key).Order());
        Assert.Equal("127.0.0.1", http["host"]);
    }

    [Fact]
    public void A_hocon_file_is_loaded_with_its_includes()
    {
        dir.Write("module.conf", "m.value = from-module");
        var main = dir.Write("main.conf", "include \"module.conf\"\nm.other = 1");
        var config = new ConfigurationBuilder().AddHoconFile(main).Build();
        Assert.Equal("from-module", config["m:value"]);
        Assert.Equal("1", config["m:other"]);
    }

    [Fact]
    public void A_missing_optional_file_gives_an_empty_configuration()
    {
        var config = new ConfigurationBuilder().AddHoconFile(Path.Combine(dir.Path, "none.conf"), optional: true).Build();
        Assert.Empty(config.AsEnumerable());
    }

    [Fact]
    public void A_missing_required_file_fails_the_build()
    {
        var builder = new ConfigurationBuilder().AddHoconFile(Path.Combine(dir.Path, "none.conf"));
        Assert.Throws<FileNotFoundException>(() => builder.Build());
    }

    [Fact]
    public void A_syntax_error_surfaces_from_build_with_its_location()
    {
        var file = dir.Write("broken.conf", "a {\n  b = [1,\n");
        var error = Assert.Throws<HoconParseException>(() => new ConfigurationBuilder().AddHoconFile(file).Build());
        Assert.StartsWith(file + ":", error.Message);
    }

    [Fact]
    public void Later_configuration_sources_override_hocon_keys()
    {
        var config = new ConfigurationBuilder()
            .AddHoconString("a = 1\nb = 2")
            .AddInMemoryCollection(new Dictionary<string, string?> { ["a"] = "override" })
            .Build();
        Assert.Equal("override", config["a"]);
        Assert.Equal("2", config["b"]);
    }

    [Fact]
    public void Empty_objects_and_arrays_appear_as_keys_without_value()
    {
        var data = HoconLoader.ParseString("a {}\nb = []").ToConfigurationData();
        Assert.True(data.ContainsKey("a"));
        Assert.Null(data["a"]);
        Assert.Null(data["b"]);
    }
}
