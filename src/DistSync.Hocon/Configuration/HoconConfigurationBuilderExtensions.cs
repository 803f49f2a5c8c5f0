using Microsoft.Extensions.Configuration;

namespace DistSync.Hocon;

public static class HoconConfigurationBuilderExtensions
{
    /// <summary>Adds a HOCON file (relative paths from the current directory; includes relative to the file).</summary>
    public static IConfigurationBuilder AddHoconFile(this IConfigurationBuilder builder, string path, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(path);
        return builder.Add(new HoconConfigurationSource { Path = path, Optional = optional });
    }

    /// <summary>Adds HOCON text; includes in it are relative to the current directory.</summary>
    public static IConfigurationBuilder AddHoconString(this IConfigurationBuilder builder, string text)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(text);
        return builder.Add(new HoconConfigurationSource { Text = text });
    }
}
