using System.Globalization;
using System.Text;

namespace DistSync.Hocon;

/// <summary>JSON string escapes, which quoted HOCON strings use.</summary>
internal static class HoconStringEscapes
{
    public static bool TryUnescape(ReadOnlySpan<char> body, StringBuilder output, out string error)
    {
        error = string.Empty;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (c != '\\')
            {
                output.Append(c);
                continue;
            }

            if (i + 1 >= body.Length)
            {
                error = "a quoted string must not end with a lone '\\'";
                return false;
            }

            var next = body[++i];
            switch (next)
            {
                case '"': output.Append('"'); break;
                case '\\': output.Append('\\'); break;
                case '/': output.Append('/'); break;
                case 'b': output.Append('\b'); break;
                case 'f': output.Append('\f'); break;
                case 'n': output.Append('\n'); break;
                case 'r': output.Append('\r'); break;
                case 't': output.Append('\t'); break;
                case 'u':
                    if (i + 4 >= body.Length)
                    {
                        error = "'\\u' must be followed by four hex digits";
                        return false;
                    }

                    if (!ushort.TryParse(body.Slice(i + 1, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                    {
                        error = "'\\u' must be followed by four hex digits";
                        return false;
                    }

                    output.Append((char)code);
                    i += 4;
                    break;
                default:
                    error = $"'\\{next}' is not a valid escape in a quoted string (use \\\\ for a backslash)";
                    return false;
            }
        }

        return true;
    }
}
