using System.Globalization;
using System.Text;

namespace DistSync.Hocon;

/// <summary>Writing HOCON text: the modules that render Akka config in code (remoting, serializers, persistence
/// plugins) quote every string they write with this, so a path, a connection string or a type name with dots, commas,
/// quotes or backslashes stays one value.</summary>
public static class HoconText
{
    /// <summary>A quoted HOCON string (JSON escapes).</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 2).Append('"');
        foreach (var c in text)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (c < ' ') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>The quoted <c>"Full.Type.Name, Assembly"</c> Akka's config uses to name a type.</summary>
    public static string QuoteType(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return Quote(type.FullName + ", " + type.Assembly.GetName().Name);
    }
}
