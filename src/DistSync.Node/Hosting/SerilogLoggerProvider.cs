using Microsoft.Extensions.Logging;
using Serilog.Events;
using MsLogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace DistSync.Node.Hosting;

/// <summary>
/// Routes ASP.NET Core's logging into the node's Serilog logger (Serilog.Extensions.Hosting is not served
/// here, DEPENDENCIES.md), so Kestrel's lines carry NodeId and share the console/JSON format.
/// </summary>
public sealed class SerilogLoggerProvider(Serilog.ILogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SerilogLogger(logger.ForContext("SourceContext", categoryName));

    public void Dispose()
    {
    }

    private sealed class SerilogLogger(Serilog.ILogger logger) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(MsLogLevel logLevel) => logLevel != MsLogLevel.None && logger.IsEnabled(ToSerilog(logLevel));

        public void Log<TState>(MsLogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel)) return;
            // The message is already formatted by ASP.NET; pass it as a property, not as a template.
            logger.Write(ToSerilog(logLevel), exception, "{Message:l}", formatter(state, exception));
        }

        private static LogEventLevel ToSerilog(MsLogLevel level) => level switch
        {
            MsLogLevel.Trace => LogEventLevel.Verbose,
            MsLogLevel.Debug => LogEventLevel.Debug,
            MsLogLevel.Information => LogEventLevel.Information,
            MsLogLevel.Warning => LogEventLevel.Warning,
            MsLogLevel.Error => LogEventLevel.Error,
            _ => LogEventLevel.Fatal,
        };
    }
}
