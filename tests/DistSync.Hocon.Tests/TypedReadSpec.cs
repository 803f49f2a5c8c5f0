using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon.Tests;

/// <summary>The typed getters on IConfiguration read HOCON-style text.</summary>
public class TypedReadSpec
{
    private static IConfiguration Config(string hocon) => new ConfigurationBuilder().AddHoconString(hocon).Build();

    [Fact]
    public void Durations_sizes_and_numbers_read_from_hocon_text()
    {
        var config = Config("a { timeout = 200ms, buffer = 64MiB, count = 12, big = 5000000000, ratio = 0.75 }");
        Assert.Equal(TimeSpan.FromMilliseconds(200), config.GetDuration("a:timeout", TimeSpan.Zero));
        Assert.Equal(64L * 1024 * 1024, config.GetSize("a:buffer", 0));
        Assert.Equal(12, config.GetInt("a:count", 0));
        Assert.Equal(5_000_000_000L, config.GetLong("a:big", 0));
        Assert.Equal(0.75, config.GetDouble("a:ratio", 0));
    }

    [Fact]
    public void Dotted_paths_work_as_keys_too()
    {
        var config = Config("dsync.node.id = n1");
        Assert.Equal("n1", config.GetString("dsync.node.id", "x"));
        Assert.Equal("n1", config.GetString("dsync:node:id", "x"));
    }

    [Fact]
    public void Missing_keys_yield_the_default()
    {
        var config = Config("a = 1");
        Assert.Equal(TimeSpan.FromSeconds(3), config.GetDuration("nope", TimeSpan.FromSeconds(3)));
        Assert.Equal(7, config.GetSize("nope", 7));
        Assert.True(config.GetBool("nope", true));
        Assert.Equal(9, config.GetInt("nope", 9));
        Assert.Equal("d", config.GetString("nope", "d"));
        Assert.Empty(config.GetStringList("nope"));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("on", true)]
    [InlineData("yes", true)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("off", false)]
    [InlineData("no", false)]
    public void Hocon_booleans_are_understood(string text, bool expected)
    {
        Assert.Equal(expected, Config($"flag = {text}").GetBool("flag", !expected));
    }

    [Fact]
    public void A_malformed_value_is_an_error_naming_the_key_not_a_silent_default()
    {
        var config = Config("t = soon\nb = maybe\nn = many\ns = huge");
        Assert.Contains("'t'", Assert.Throws<FormatException>(() => config.GetDuration("t", TimeSpan.Zero)).Message);
        Assert.Contains("'b'", Assert.Throws<FormatException>(() => config.GetBool("b", false)).Message);
        Assert.Contains("'n'", Assert.Throws<FormatException>(() => config.GetInt("n", 0)).Message);
        Assert.Contains("'s'", Assert.Throws<FormatException>(() => config.GetSize("s", 0)).Message);
    }

    [Fact]
    public void String_lists_come_from_arrays_in_index_order()
    {
        var config = Config("seeds = [c, a, b, d, e, f, g, h, i, j, k, l]");
        Assert.Equal(["c", "a", "b", "d", "e", "f", "g", "h", "i", "j", "k", "l"], config.GetStringList("seeds"));
    }

    [Fact]
    public void A_comma_separated_string_reads_as_a_list()
    {
        var config = Config("seeds = \"node2:4053, node3:4053\"");
        Assert.Equal(["node2:4053", "node3:4053"], config.GetStringList("seeds"));
    }
}
