using System.Text;

namespace DistSync.Cli.Commands;

/// <summary>Text helpers the verbs share.</summary>
internal static class CliText
{
    /// <summary>One line per record: backslash, tab, CR and LF inside a field are written as <c>\\ \t \r \n</c>.</summary>
    public static string Escape(string text)
    {
        if (text.AsSpan().IndexOfAny("\\\t\r\n") < 0) return text;
        var b = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            b.Append(c switch
            {
                '\\' => @"\\",
                '\t' => @"\t",
                '\r' => @"\r",
                '\n' => @"\n",
                _ => c.ToString(),
            });
        }
        return b.ToString();
    }
}
