using DistSync.Hocon;
using Microsoft.Extensions.Configuration;
using Serilog.Events;

namespace DistSync.Actors;

/// <summary>Typed <c>dsync.actors</c> settings (plus <c>dsync.log</c> of node.conf for the default logger); defaults match hocon/actors.conf.</summary>
public sealed record ActorSystemSettings
{
    public int Throughput { get; init; } = 100;

    public TimeSpan DefaultAskTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public bool LogDeadLetters { get; init; } = true;

    public int DeadLetterLogLimitPerSecond { get; init; } = 10;

    public bool LogUnhandled { get; init; } = true;

    public int SupervisionMaxNrOfRetries { get; init; } = 10;

    public TimeSpan SupervisionWithinTimeRange { get; init; } = TimeSpan.FromMinutes(1);

    public LogFormat LogFormat { get; init; } = LogFormat.Console;

    public LogEventLevel LogLevel { get; init; } = LogEventLevel.Information;

    /// <summary>Restart on failure (stop on initialisation failure, Kill, death pact) within the configured limits.</summary>
    public SupervisorStrategy DefaultSupervisorStrategy =>
        _strategy ??= new OneForOneStrategy(SupervisionMaxNrOfRetries, SupervisionWithinTimeRange, SupervisorStrategy.DefaultDecider);

    private SupervisorStrategy? _strategy;

    /// <summary>Reads sections <c>dsync:actors</c> and <c>dsync:log</c>; absent keys keep their defaults,
    /// malformed values throw naming the key.</summary>
    public static ActorSystemSettings FromConfiguration(IConfiguration? configuration)
    {
        var defaults = new ActorSystemSettings();
        if (configuration is null)
        {
            return defaults;
        }

        var actors = configuration.GetSection("dsync:actors");
        var logging = configuration.GetSection("dsync:log");
        var settings = new ActorSystemSettings
        {
            Throughput = actors.GetInt("throughput", defaults.Throughput),
            DefaultAskTimeout = actors.GetDuration("ask-timeout", defaults.DefaultAskTimeout),
            LogDeadLetters = actors.GetBool("log-dead-letters", defaults.LogDeadLetters),
            DeadLetterLogLimitPerSecond = actors.GetInt("dead-letter-log-limit-per-second", defaults.DeadLetterLogLimitPerSecond),
            LogUnhandled = actors.GetBool("log-unhandled", defaults.LogUnhandled),
            SupervisionMaxNrOfRetries = actors.GetInt("supervision:max-nr-of-retries", defaults.SupervisionMaxNrOfRetries),
            SupervisionWithinTimeRange = actors.GetDuration("supervision:within-time-range", defaults.SupervisionWithinTimeRange),
            LogFormat = logging["format"] is { Length: > 0 } format ? DistSyncLogging.ParseFormat(format) : defaults.LogFormat,
            LogLevel = logging["level"] is { Length: > 0 } level ? DistSyncLogging.ParseLevel(level) : defaults.LogLevel,
        };
        if (settings.Throughput < 1)
        {
            throw new FormatException($"dsync.actors.throughput must be at least 1, got {settings.Throughput}.");
        }

        if (settings.DefaultAskTimeout <= TimeSpan.Zero)
        {
            throw new FormatException($"dsync.actors.ask-timeout must be positive, got {settings.DefaultAskTimeout}.");
        }

        return settings;
    }
}
