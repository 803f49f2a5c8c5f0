using DistSync.Cache;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Node.Cache;

/// <summary>Reads <c>dsync.cache</c> (a comment per key in hocon/cache.conf); an invalid value fails at startup naming the key.</summary>
public static class CacheSettingsReader
{
    public static CacheSettings From(IConfiguration config)
    {
        var policyText = config.GetString("dsync.cache.write-policy", "write-back");
        var policy = policyText.Trim() switch
        {
            "write-back" => WritePolicy.WriteBack,
            "write-through" => WritePolicy.WriteThrough,
            _ => throw new FormatException($"configuration key 'dsync.cache.write-policy' must be 'write-back' or 'write-through', not '{policyText}'"),
        };
        var settings = new CacheSettings
        {
            Capacity = config.GetInt("dsync.cache.capacity", 10_000),
            MaxBytes = config.GetSize("dsync.cache.max-bytes", 64L * 1024 * 1024),
            WritePolicy = policy,
            RequestTimeout = config.GetDuration("dsync.cache.request-timeout", TimeSpan.FromSeconds(10)),
            StoreTimeout = config.GetDuration("dsync.cache.store-timeout", TimeSpan.FromSeconds(10)),
            HomeIdleTimeout = config.GetDuration("dsync.cache.home-idle-timeout", TimeSpan.FromMinutes(2)),
            ShardCount = config.GetInt("dsync.cache.shards", 1024),
            VirtualNodes = config.GetInt("dsync.cache.virtual-nodes", 150),
        };
        try
        {
            settings.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException("configuration keys 'dsync.cache.*': " + e.Message, e);
        }
        return settings;
    }
}
