using DistSync.Hocon;

namespace DistSync.Hocon.Tests;


/// <summary>Strings that code writes into rendered HOCON read back as the same single value.</summary>
public sealed class HoconTextSpec
{
    [Theory]
    [InlineData("plain")]
    [InlineData("C:\\data\\n1\\persistence.db")]
    [InlineData("redis:6379,password=a\"b,ssl=false")]
    [InlineData("tab\tand\nnewline and \u0001 control")]
    public void A_quoted_string_parses_back_to_itself(string text)
    {
        var parsed = new HoconLoader(new Dictionary<string, string>()).AddString("k = " + HoconText.Quote(text)).Resolve();
        Assert.Equal(text, parsed.GetString("k"));
    }

    [Fact]
    public void A_type_is_quoted_as_full_name_and_assembly()
    {
        Assert.Equal("\"DistSync.Hocon.HoconText, DistSync.Hocon\"", HoconText.QuoteType(typeof(HoconText)));
    }
}
