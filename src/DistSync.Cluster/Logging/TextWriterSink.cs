using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace DistSync.Cluster.Logging;

/// <summary>Writes formatted events to a <see cref="TextWriter"/> (tests capture logs with a StringWriter).</summary>
internal sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
{
    private readonly object _gate = new();

    public void Emit(LogEvent logEvent)
    {
        lock (_gate)
        {
            formatter.Format(logEvent, output);
            output.Flush();
        }
    }
}
