using System.Text;

namespace DistSync.Hocon;

/// <summary>
/// HOCON path expressions: <c>a.b.c</c>, with quoted segments for keys that contain dots (<c>a."b.c"</c>).
/// </summary>
public static class HoconPath
{
    public static IReadOnlyList<string> Parse(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!TryParse(path, out var segments, out var error))
        {
            throw new ArgumentException($"'{path}' is not a HOCON path: {error}", nameof(path));
        }

        return segments;
    }

    /// <summary>Renders segments back to a path, quoting those that need it.</summary>
    public static string Render(IReadOnlyList<string> segments)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < segments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('.');
            }

            var segment = segments[i];
            if (segment.Length > 0 && segment.All(c => !HoconChars.IsForbiddenInUnquoted(c) && c != '.' && !HoconChars.IsWhitespace(c)))
            {
                builder.Append(segment);
            }
            else
            {
                builder.Append('"').Append(segment.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
            }
        }

        return builder.ToString();
    }

    internal static bool TryParse(string path, out IReadOnlyList<string> segments, out string error)
    {
        var result = new List<string>();
        var current = new StringBuilder();
        var segmentHasContent = false;
        segments = result;
        error = string.Empty;
        var text = path.Trim();
        if (text.Length == 0)
        {
            error = "a path must not be empty";
            return false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '.')
            {
                if (!segmentHasContent)
                {
                    error = "a path must not contain an empty segment (leading, trailing or doubled '.')";
                    return false;
                }

                result.Add(current.ToString());
                current.Clear();
                segmentHasContent = false;
            }
            else if (c == '"')
            {
                var end = i + 1;
                while (end < text.Length && text[end] != '"')
                {
                    if (text[end] == '\\')
                    {
                        end++;
                    }

                    end++;
                }

                if (end >= text.Length)
                {
                    error = "unterminated quoted segment";
                    return false;
                }

                if (!HoconStringEscapes.TryUnescape(text.AsSpan(i + 1, end - i - 1), current, out var escapeError))
                {
                    error = escapeError;
                    return false;
                }

                segmentHasContent = true;
                i = end;
            }
            else if (HoconChars.IsForbiddenInUnquoted(c))
            {
                error = $"character '{c}' must be inside quotes";
                return false;
            }
            else
            {
                current.Append(c);
                segmentHasContent = true;
            }
        }

        if (!segmentHasContent)
        {
            error = "a path must not end with '.'";
            return false;
        }

        result.Add(current.ToString());
        return true;
    }
}
