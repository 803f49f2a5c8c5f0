using Serilog;
using Serilog.Events;
using Serilog.Formatting;
using Serilog.Formatting.Display;
using Serilog.Formatting.Json;

namespace DistSync.Cluster.Logging;

/// <summary>
/// Serilog set-up shared by every DistSync process: readable console lines by default, JSON lines when asked.
/// Every event carries <c>NodeId</c>; events logged by an actor also carry <c>ActorPath</c>.
/// </summary>
public static class DistSyncLogging
{
    /// <summary>Console line layout; NodeId and ActorPath (empty outside actors) come first so lines sort by origin.</summary>
    public const string ConsoleTemplate =
        "[{Timestamp:HH:mm:ss.fff} {Level:u3}] {NodeId} {ActorPath} {Message:lj}{NewLine}{Exception}";

    /// <summary>Creates a logger writing to standard output, or to <paramref name="output"/> when given.</summary>
    public static ILogger CreateLogger(string nodeId, LogFormat format = LogFormat.Console,
        LogEventLevel minimumLevel = LogEventLevel.Information, TextWriter? output = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        ITextFormatter formatter = format switch
        {
            LogFormat.Json => new JsonFormatter(renderMessage: true),
            _ => new MessageTemplateTextFormatter(ConsoleTemplate),
        };
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(minimumLevel)
            // Log context carries per-request properties (the HTTP host pushes RequestId).
            .Enrich.FromLogContext()
            .Enrich.WithProperty("NodeId", nodeId);
        configuration = output is null
            ? configuration.WriteTo.Console(formatter)
            : configuration.WriteTo.Sink(new TextWriterSink(formatter, output));
        return configuration.CreateLogger();
    }

    /// <summary>Parses "console" / "json" (case-insensitive), with a clear error otherwise.</summary>
    public static LogFormat ParseFormat(string text) => text.Trim().ToLowerInvariant() switch
    {
        "console" or "text" => LogFormat.Console,
        "json" => LogFormat.Json,
        _ => throw new FormatException($"Unknown log format '{text}': use 'console' or 'json'."),
    };

    /// <summary>Parses a Serilog level name (Verbose, Debug, Information, Warning, Error, Fatal; also "info", "warn").</summary>
    public static LogEventLevel ParseLevel(string text) => text.Trim().ToLowerInvariant() switch
    {
        "verbose" or "trace" => LogEventLevel.Verbose,
        "debug" => LogEventLevel.Debug,
        "information" or "info" => LogEventLevel.Information,
        "warning" or "warn" => LogEventLevel.Warning,
        "error" => LogEventLevel.Error,
        "fatal" => LogEventLevel.Fatal,
        _ => throw new FormatException($"Unknown log level '{text}': use Verbose, Debug, Information, Warning, Error or Fatal."),
    };
}
