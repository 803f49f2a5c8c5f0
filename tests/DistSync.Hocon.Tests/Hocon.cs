using System.Collections;

namespace DistSync.Hocon.Tests;

/// <summary>Small helpers shared by the specs: parse text with a fixed, empty environment.</summary>
internal static class Hocon
{
    public static HoconObject Parse(string text, IDictionary? environment = null) =>
        HoconLoader.ParseString(text, environment ?? new Dictionary<string, string>());

    public static string? Get(string text, string path) => Parse(text).GetString(path);

    public static IReadOnlyList<string?> List(HoconObject config, string path)
    {
        Assert.True(config.TryGetPath(path, out var value), $"path '{path}' is missing");
        var array = Assert.IsType<HoconArray>(value);
        return array.Select(item => Assert.IsType<HoconScalar>(item).Text).ToList();
    }

    public static HoconParseException ParseError(string text, string source = "test.conf")
    {
        return Assert.ThrowsAny<HoconParseException>(() =>
            new HoconLoader(new Dictionary<string, string>()).AddString(text, source).Resolve());
    }
}
