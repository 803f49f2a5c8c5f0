using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Actors.Remote;

/// <summary>Typed reads of remoting keys; a malformed value throws naming the key (DistSync.Hocon rules).</summary>
internal static class ConfigReads
{
    public static TimeSpan GetDuration(IConfiguration section, string key, TimeSpan defaultValue) =>
        section.GetDuration(key, defaultValue);

    public static long GetSize(IConfiguration section, string key, long defaultValue) =>
        section.GetSize(key, defaultValue);

    public static int GetInt(IConfiguration section, string key, int defaultValue) =>
        section.GetInt(key, defaultValue);

    public static double GetDouble(IConfiguration section, string key, double defaultValue) =>
        section.GetDouble(key, defaultValue);

    public static string GetString(IConfiguration section, string key, string defaultValue) =>
        section.GetString(key, defaultValue);

    public static bool GetBool(IConfiguration section, string key, bool defaultValue) =>
        section.GetBool(key, defaultValue);
}
