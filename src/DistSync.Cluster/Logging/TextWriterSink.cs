using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace DistSync.Cluster.Logging;

/// <summary>Writes formatted events to a <see cref="TextWriter"/> (tests capture logs with a StringWriter).</summary>
/// <remarks>It locks the writer itself, not a private gate: a StringWriter is not thread-safe, and a reader that locks
/// the same writer (a test polling for a line while Akka's logger thread writes) sees whole events, never a torn buffer.</remarks>
internal sealed class TextWriterSink(ITextFormatter formatter, TextWriter output) : ILogEventSink
{
    public void Emit(LogEvent logEvent)
    {
        lock (output)
        {
            formatter.Format(logEvent, output);
            output.Flush();
        }
    }
}
