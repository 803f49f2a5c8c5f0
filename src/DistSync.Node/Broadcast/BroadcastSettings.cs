using DistSync.Broadcast;
using DistSync.Hocon;
using Microsoft.Extensions.Configuration;

namespace DistSync.Node.Broadcast;

/// <summary>The broadcast service's settings (<c>dsync.broadcast</c>, one comment per key in hocon/broadcast.conf).</summary>
public sealed record BroadcastSettings
{
    /// <summary>Retention and limits: decide results of replicated commands, so the same on every node.</summary>
    public BroadcastOptions Options { get; init; } = new();

    /// <summary>Messages buffered per live subscriber before it catches up from the applied state instead.</summary>
    public int SubscriberBuffer { get; init; } = 1024;

    /// <summary>An SSE comment is sent after this long without a message, so proxies and clients see the stream alive.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    public static BroadcastSettings From(IConfiguration config)
    {
        var settings = new BroadcastSettings
        {
            Options = new BroadcastOptions
            {
                MaxMessages = config.GetInt("dsync.broadcast.max-messages", 10_000),
                MaxAgeMs = (long)config.GetDuration("dsync.broadcast.max-age", TimeSpan.FromHours(24)).TotalMilliseconds,
                MaxPayloadBytes = (int)config.GetSize("dsync.broadcast.max-payload", 64 * 1024),
            },
            SubscriberBuffer = config.GetInt("dsync.broadcast.subscriber-buffer", 1024),
            KeepAlive = config.GetDuration("dsync.broadcast.keep-alive", TimeSpan.FromSeconds(15)),
        };
        if (settings.SubscriberBuffer < 1) throw new FormatException("configuration key 'dsync.broadcast.subscriber-buffer' must be at least 1");
        if (settings.KeepAlive <= TimeSpan.Zero) throw new FormatException("configuration key 'dsync.broadcast.keep-alive' must be positive");
        try
        {
            settings.Options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new FormatException("configuration keys 'dsync.broadcast.*': " + e.Message, e);
        }
        return settings;
    }
}
