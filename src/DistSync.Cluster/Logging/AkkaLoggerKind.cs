namespace DistSync.Cluster.Logging;

/// <summary>Which Akka logger writes Akka's own events to Serilog (see <see cref="AkkaLogging"/>).</summary>
public enum AkkaLoggerKind
{
    /// <summary>Akka.Logger.Serilog through the static <c>Serilog.Log.Logger</c> (the node process).</summary>
    Serilog,

    /// <summary>A logger per actor system from <see cref="AkkaLogging.Setup"/> (in-process clusters, tests).</summary>
    PerSystem,

    /// <summary>Akka's default stdout logger (benchmarks, quick probes).</summary>
    Default,
}
