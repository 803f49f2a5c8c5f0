using System.Collections.Concurrent;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace DistSync.Actors.Tests.Remote;

/// <summary>Keeps every log event so a spec can count errors.</summary>
internal sealed class CapturingLogSink : ILogEventSink
{
    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent) => Events.Enqueue(logEvent);

    public int CountErrorsContaining(string text)
    {
        var count = 0;
        foreach (var e in Events)
        {
            if (e.Level >= LogEventLevel.Error && e.RenderMessage().Contains(text, StringComparison.Ordinal))
            {
                count++;
            }
        }

        return count;
    }

    public ILogger CreateLogger() => new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(this).CreateLogger();
}
