using Microsoft.Extensions.Configuration;

namespace DistSync.Actors.Remote;

/// <summary>Remoting settings (HOCON section <c>dsync.remote</c>, defaults and comments in hocon/remote.conf).</summary>
public sealed record RemoteSettings
{
    /// <summary>Host name or IP the listener binds and that appears in this system's address.</summary>
    public string Host { get; init; } = "127.0.0.1";

    /// <summary>TCP port of the listener; 0 picks a free port (tests).</summary>
    public int Port { get; init; } = 4053;

    /// <summary>Largest envelope accepted or sent; a bigger declared frame closes the connection.</summary>
    public int MaxFrameSize { get; init; } = 16 * 1024 * 1024;

    /// <summary>Messages queued per peer while the socket is busy or down; beyond this, messages are dropped and counted.</summary>
    public int OutboundQueueSize { get; init; } = 100_000;

    /// <summary>First reconnect delay; doubles per failed attempt (with jitter) up to <see cref="BackoffMax"/>.</summary>
    public TimeSpan BackoffMin { get; init; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a new connection may take to complete the handshake.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Seed of the reconnect jitter, so a test run replays; 0 derives it from the system uid.</summary>
    public int BackoffSeed { get; init; }

    public static RemoteSettings FromConfiguration(IConfiguration? configuration)
    {
        var defaults = new RemoteSettings();
        if (configuration is null)
        {
            return defaults;
        }

        var section = configuration.GetSection("dsync:remote");
        var maxFrame = ConfigReads.GetSize(section, "max-frame-size", defaults.MaxFrameSize);
        var settings = new RemoteSettings
        {
            Host = ConfigReads.GetString(section, "host", defaults.Host),
            Port = ConfigReads.GetInt(section, "port", defaults.Port),
            MaxFrameSize = maxFrame is > 0 and <= int.MaxValue - 16
                ? (int)maxFrame
                : throw new ArgumentException($"dsync.remote.max-frame-size must be between 1 byte and 2 GiB, got {maxFrame}"),
            OutboundQueueSize = ConfigReads.GetInt(section, "outbound-queue-size", defaults.OutboundQueueSize),
            BackoffMin = ConfigReads.GetDuration(section, "backoff-min", defaults.BackoffMin),
            BackoffMax = ConfigReads.GetDuration(section, "backoff-max", defaults.BackoffMax),
            HandshakeTimeout = ConfigReads.GetDuration(section, "handshake-timeout", defaults.HandshakeTimeout),
            BackoffSeed = ConfigReads.GetInt(section, "backoff-seed", defaults.BackoffSeed),
        };
        settings.Validate();
        return settings;
    }

    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("dsync.remote.host must not be empty");
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"dsync.remote.port must be 0..65535, got {Port}");
        }

        if (MaxFrameSize < 1024)
        {
            throw new ArgumentException($"dsync.remote.max-frame-size must be at least 1KiB, got {MaxFrameSize}");
        }

        if (OutboundQueueSize < 1)
        {
            throw new ArgumentException($"dsync.remote.outbound-queue-size must be >= 1, got {OutboundQueueSize}");
        }

        if (BackoffMin <= TimeSpan.Zero || BackoffMax < BackoffMin)
        {
            throw new ArgumentException($"dsync.remote.backoff-min must be > 0 and <= backoff-max, got {BackoffMin} / {BackoffMax}");
        }

        if (HandshakeTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"dsync.remote.handshake-timeout must be > 0, got {HandshakeTimeout}");
        }
    }
}
