namespace DistSync.Hocon.Tests;

public class SizeParsingSpec
{
    [Theory]
    [InlineData("123", 123L)]
    [InlineData("10B", 10L)]
    [InlineData("10 bytes", 10L)]
    [InlineData("1K", 1024L)]
    [InlineData("1k", 1024L)]
    [InlineData("1KiB", 1024L)]
    [InlineData("1kB", 1000L)]
    [InlineData("1KB", 1000L)]
    [InlineData("64MiB", 64L * 1024 * 1024)]
    [InlineData("64M", 64L * 1024 * 1024)]
    [InlineData("64MB", 64_000_000L)]
    [InlineData("2 megabytes", 2_000_000L)]
    [InlineData("2 mebibytes", 2L * 1024 * 1024)]
    [InlineData("1GiB", 1L << 30)]
    [InlineData("1G", 1L << 30)]
    [InlineData("1GB", 1_000_000_000L)]
    [InlineData("1TiB", 1L << 40)]
    [InlineData("1.5KiB", 1536L)]
    public void Sizes_parse_with_powers_of_ten_and_two(string text, long bytes)
    {
        Assert.Equal(bytes, HoconSize.Parse(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("MiB")]
    [InlineData("12 parsecs")]
    [InlineData("9999999999TiB")]
    public void Malformed_sizes_are_refused(string text)
    {
        Assert.False(HoconSize.TryParse(text, out _));
        Assert.Throws<FormatException>(() => HoconSize.Parse(text));
    }
}
