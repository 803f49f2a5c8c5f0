using Serilog;
using Serilog.Events;

namespace DistSync.Actors.Tests;

/// <summary>Loggers for tests: only errors reach the console, so expected failures do not flood the output.</summary>
internal static class TestLogging
{
    public static ILogger Quiet(string nodeId) =>
        DistSyncLogging.CreateLogger(nodeId, LogFormat.Console, LogEventLevel.Fatal);
}
